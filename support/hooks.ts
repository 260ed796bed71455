import { After, AfterAll, Before, BeforeAll, BeforeStep, HookTarget, ITestCaseHookParameter, setDefaultTimeout, Status } from '@cucumber/cucumber';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../src/errors';
import { deletePodAndWait } from '../src/kube/pod-deletion';
import { startResultsAfresh } from '../src/report/last-run-results';
import { SuiteRun } from '../src/run/suite-run';
import { storyStatements } from './feature-statements';
import { settleOnInterruption } from './interruption';
import { specValue, storyBackground } from './pickle-spec';
import { checkReportsForSecretsAtExit } from './report-secret-check';
import { heldRun, holdRun, releaseRun } from './run-holder';
import { CHANGES_SUMMARY, changesRunbook, recordRun, reportsDirOf } from './run-report';
import { targetSource } from './target-sources';
import { StoryWorld } from './world';

// Every wait in the suite has its own deadline and says what it last saw; cucumber's timer is only a backstop.
setDefaultTimeout(30 * 60_000);

const reportsDir = reportsDirOf(process.env);
const READ_ONLY_TAG = '@read-only';

// Once per invocation (in the coordinator of a parallel run): the change record and the report are this invocation's only.
BeforeAll({ name: 'start the change record of this invocation afresh', on: HookTarget.COORDINATOR }, function () {
  rmSync(join(reportsDir, 'changes.jsonl'), { force: true });
});
BeforeAll({ name: 'start the report\'s results afresh, keeping an unreported run for the trend', on: HookTarget.COORDINATOR }, function () {
  startResultsAfresh(reportsDir);
});

BeforeAll({ name: 'start the run' }, function () {
  const kind = this.parameters.target === 'real' ? 'real' : 'lab';
  const run = new SuiteRun({ source: targetSource(kind, process.env), env: process.env, reportsDir });
  holdRun(run);
  settleOnInterruption(run);
  checkReportsForSecretsAtExit(run.secrets, reportsDir);
});

Before({ name: 'enter the scenario: its target, its mode and the story it builds' }, async function (this: StoryWorld, { gherkinDocument, pickle }: ITestCaseHookParameter) {
  const tags = pickle.tags.map((tag) => tag.name);
  const faults = tags.filter((tag) => tag.startsWith('@fault:')).map((tag) => tag.slice('@fault:'.length));
  // Faults can only be switched on in the embedded lab.
  if (faults.length && this.run.kind !== 'lab') return 'skipped';
  // An interrupted run only cleans up before it exits: no further scenario begins.
  if (this.run.interruptedBy) return this.run.untilExit();
  this.run.scenarios.begin(pickle.name);
  this.run.progress.scenario(`Scenario: ${pickle.name}`);
  this.featureUri = pickle.uri;
  this.background = storyBackground(pickle);
  this.scenarioName = `"${pickle.name}" (${pickle.uri})`;
  this.statements = storyStatements(gherkinDocument, pickle);
  this.mode = tags.includes(READ_ONLY_TAG) ? 'verify' : 'build';
  this.run.changes.enforce(this.mode === 'verify' ? { kind: 'read-only', why: `"${pickle.name}" only verifies (${READ_ONLY_TAG})` } : { kind: 'any' });
  await this.run.enterScenario({ featureUri: pickle.uri, faults, hostname: specValue(pickle, 'hostname') ?? 'k3s-worker-01' });
  // A story refused once is not built by its later scenarios: they are skipped, pointing at the refusal.
  const refusal = this.run.refusal(this.story);
  if (!refusal) return undefined;
  const inputs = refusal.error.problems.map((problem) => problem.input).join(', ');
  this.evidence.note(`Skipped: this story was refused in ${refusal.scenario} (${inputs}); the message there says what to fix.`);
  return 'skipped';
});

// Ctrl-C or SIGTERM: the step under way finishes, but no further step starts; the process exits once the cleanup is
// done (support/interruption.ts). Step hooks take no name: they run inside each step, not as steps of their own.
BeforeStep(function (this: StoryWorld) {
  if (this.run.interruptedBy) return this.run.untilExit();
  return undefined;
});

/**
 * After each scenario, in the order these run (cucumber runs After hooks in reverse order of definition, so they are
 * registered from this list reversed).
 */
const AFTER_EACH_SCENARIO: Array<[name: string, hook: (this: StoryWorld, parameter: ITestCaseHookParameter) => unknown]> = [
  // The test pod never outlives its scenario, pass or fail.
  ['clean up the test pod', async function () {
    if (!this.testPod) return;
    const context = await this.context();
    await deletePodAndWait(context.target.cluster, this.testPod, context.waits.deadline('pod', `test pod ${this.testPod.name} deleted`));
    context.tracker.removed({ kind: 'pod', ...this.testPod });
    this.evidence.note(`removed test pod ${this.testPod.namespace}/${this.testPod.name}`);
  }],
  // A failed scenario leaves nothing behind that the run created and did not keep, unless asked to (src/cleanup/).
  ['clean up what a failed scenario created', async function ({ result }) {
    if (result?.status === Status.FAILED) await this.run.settleFailure(this.evidence);
  }],
  // A story refused on its inputs is not built by its later scenarios, whichever step found the problem.
  ['remember a refusal, so the story\'s later scenarios are skipped', function ({ error }) {
    if (error instanceof ConfigurationError && this.specFields) this.run.rememberRefusal(this.story, this.scenarioName, error);
  }],
  ['tell what the start of the run removed of crashed runs', function () {
    for (const line of this.run.takeSweptLeftovers()) this.evidence.note(`cleanup at start: ${line}`);
  }],
  // Cumulative, this scenario's own marked; the whole run's, and the pictures of its phases, are on the overview.
  ['attach the changes made by this run so far', function () {
    this.attach(this.run.secrets.mask(changesRunbook(this.run, this.startedAt)), { mediaType: 'text/plain', fileName: CHANGES_SUMMARY });
  }],
  ['count how the scenario ended, for the summary of an interrupted run', function ({ pickle, result }) {
    this.run.scenarios.end(pickle.name, (result?.status ?? 'unknown').toLowerCase());
  }],
];
for (const [name, hook] of [...AFTER_EACH_SCENARIO].reverse()) After({ name }, hook);

// The run's record (phases, environment, changes) is written while its target, and the lab behind it, still answer.
AfterAll({ name: 'record the phases, the environment and the changes of the run for the report, and close it' }, async function () {
  const run = heldRun();
  if (!run) return;
  await recordRun(run, reportsDir);
  await run.close();
  releaseRun();
});
