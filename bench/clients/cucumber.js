// The second baseline (issue 17): the bare run plus the suite's client libraries loaded and the Allure formatter on,
// so the ratio to the main job is what the suite, the lab and the story cost beyond what any such suite would load.
const { mkdtempSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const results = process.env.REPORTS_DIR || mkdtempSync(join(tmpdir(), 'bench-clients-'));
module.exports = {
  default: {
    requireModule: ['ts-node/register'],
    require: ['bench/clients/*.ts', 'bench/trivial/*.ts'],
    paths: ['bench/trivial/trivial.feature'],
    format: ['progress', ['allure-cucumberjs/reporter', `${results}/allure-results/.reporter-output.log`]],
    formatOptions: { resultsDir: `${results}/allure-results` },
  },
};
