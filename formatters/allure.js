// cucumber-js imports formatters by path: this loads the TypeScript one through ts-node (registered by cucumber.js's
// requireModule before formatters load; requiring it here again is a no-op).
require('ts-node/register');
module.exports = require('./allure-formatter.ts').default;
