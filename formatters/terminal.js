// cucumber-js imports formatters by path: this loads the TypeScript one through ts-node (see formatters/allure.js).
require('ts-node/register');
module.exports = require('./terminal-formatter.ts').default;
