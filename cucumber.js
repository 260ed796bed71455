// Node's compile cache (Node >= 22.1; the project's Node 24): V8's compiled code for every module loaded from here on
// (the suite, the lab, their dependencies) is kept in node_modules/.cache, so a run loads what the last one compiled
// (issue 17, BENCHMARKS.md benchmark 1). NODE_COMPILE_CACHE, when set, says where instead.
require('node:module').enableCompileCache?.(process.env.NODE_COMPILE_CACHE || require('node:path').join(__dirname, 'node_modules/.cache/node-compile-cache'));

// Profiles: `default` runs the features on the embedded lab started in-process; `real` runs the same steps
// against the Proxmox VE node and k3s cluster named by the environment (see README, "The real profile").
// REPORTS_DIR moves every output (tests use it to keep runs apart); default: reports/.
// STORY_BASE_URL is where the story documents live; a feature's @story:ID tag links to STORY_BASE_URL + ID
// (support/story-link.ts adds the link: the configuration must hold no functions, since --parallel clones it).
const reports = process.env.REPORTS_DIR || 'reports';

// Failures sorted by what broke, as the report's categories: the error names come from src/errors.ts.
const categories = [
  { name: 'Bad input (nothing was created)', traceRegex: '[\\s\\S]*ConfigurationError[\\s\\S]*', matchedStatuses: ['failed', 'broken'] },
  { name: 'Infrastructure: Proxmox', traceRegex: '[\\s\\S]*ProxmoxFailure[\\s\\S]*', matchedStatuses: ['failed', 'broken'] },
  { name: 'Infrastructure: SSH', traceRegex: '[\\s\\S]*SshFailure[\\s\\S]*', matchedStatuses: ['failed', 'broken'] },
  { name: 'Infrastructure: k3s join', traceRegex: '[\\s\\S]*JoinFailure[\\s\\S]*', matchedStatuses: ['failed', 'broken'] },
  { name: 'Infrastructure: Kubernetes', traceRegex: '[\\s\\S]*KubernetesFailure[\\s\\S]*', matchedStatuses: ['failed', 'broken'] },
  { name: 'Infrastructure: scheduling', traceRegex: '[\\s\\S]*SchedulingFailure[\\s\\S]*', matchedStatuses: ['failed', 'broken'] },
  { name: 'Timed out waiting', traceRegex: '[\\s\\S]*DeadlineExceededError[\\s\\S]*', matchedStatuses: ['failed', 'broken'] },
  { name: 'Acceptance criterion not met', traceRegex: '[\\s\\S]*AssertionError[\\s\\S]*', matchedStatuses: ['failed'] },
];

const common = {
  requireModule: ['ts-node/register'],
  require: ['support/**/*.ts', 'steps/**/*.ts'],
  format: [
    // cucumber's progress, or on a terminal only its summary (the suite's live line owns the bottom row), counting
    // the feature's steps rather than hooks (formatters/terminal-formatter.ts)
    './formatters/terminal.js',
    // allure-cucumberjs's reporter, with data tables written as valid CSV (formatters/allure-formatter.ts)
    ['./formatters/allure.js', `${reports}/allure-results/.reporter-output.log`],
    ['junit', `${reports}/cucumber-junit.xml`],
    ['html', `${reports}/cucumber-report.html`],
    ['message', `${reports}/cucumber-messages.ndjson`],
  ],
  formatOptions: {
    resultsDir: `${reports}/allure-results`,
    labels: [
      { pattern: [/@epic:(.*)/], name: 'epic' },
      { pattern: [/@story:(.*)/], name: 'story' },
      { pattern: [/@severity:(.*)/], name: 'severity' },
      { pattern: [/@owner:(.*)/], name: 'owner' },
    ],
    categories,
  },
};

module.exports = {
  default: { ...common, worldParameters: { target: 'lab' } },
  // The nightly regression: `--profile nightly` on the embedded lab, `--profile nightly --profile real` on a cluster;
  // `nightly-rehearsal` adds the @ephemeral rehearsal (a worker added and removed again), `rehearsal` runs only it.
  nightly: { ...common, worldParameters: { target: 'lab' }, paths: ['features/cluster-health.feature'], tags: '@nightly and not @ephemeral' },
  'nightly-rehearsal': { ...common, worldParameters: { target: 'lab' }, paths: ['features/cluster-health.feature'], tags: '@nightly' },
  // The rehearsal alone, as its own CronJob runs it (deploy/rehearsal-cronjob.yaml): it holds the keys the nightly does not.
  rehearsal: { ...common, worldParameters: { target: 'lab' }, paths: ['features/cluster-health.feature'], tags: '@nightly and @ephemeral' },
  // Faults can only be switched on in the embedded lab (features/faults/ are tagged @fault-injection).
  real: { ...common, worldParameters: { target: 'real' }, tags: 'not @fault-injection' },
};
