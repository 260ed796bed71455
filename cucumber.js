// Profiles: `default` runs the features on the embedded lab started in-process; `real` runs the same steps
// against the Proxmox VE node and k3s cluster named by the environment (see README, "The real profile").
// REPORTS_DIR moves every output (tests use it to keep runs apart); default: reports/.
const reports = process.env.REPORTS_DIR || 'reports';

const common = {
  requireModule: ['ts-node/register'],
  require: ['support/**/*.ts', 'steps/**/*.ts'],
  format: [
    'progress',
    ['allure-cucumberjs/reporter', `${reports}/allure-results/.reporter-output.log`],
    ['junit', `${reports}/cucumber-junit.xml`],
    ['html', `${reports}/cucumber-report.html`],
    ['message', `${reports}/cucumber-messages.ndjson`],
  ],
  formatOptions: { resultsDir: `${reports}/allure-results` },
};

module.exports = {
  default: { ...common, worldParameters: { target: 'lab' } },
  real: { ...common, worldParameters: { target: 'real' } },
};
