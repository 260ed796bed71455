// The baseline's own configuration: same formatter and TypeScript loader as the suite, none of its support code.
module.exports = {
  default: { requireModule: ['ts-node/register'], require: ['bench/trivial/*.ts'], paths: ['bench/trivial/trivial.feature'], format: ['progress'] },
};
