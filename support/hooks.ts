import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { After, AfterAll, Before, setDefaultTimeout, Status } from '@cucumber/cucumber';
import { removalInstructions, removeWorker } from '../src/provisioning/remove-worker';
import { removeTestPod } from '../src/provisioning/test-pod';
import { builtWorkers, closeRun, createdThisRun, enterFeature, featureStartedAt, openedTarget } from './run-state';
import { progress } from '../src/progress/progress';
import { renderTimelineSvg } from '../src/report/timeline-svg';
import { appendPhaseHistory, readPhaseHistory, summarizeRun } from '../src/report/phase-history';
import { renderPhaseTrendSvg } from '../src/report/phase-trend-svg';
import { describeRunEnvironment, environmentProperties } from '../src/report/run-environment';
import { secrets } from '../src/secrets/secret-registry';
import { version as suiteVersion } from '../package.json';
import { StoryWorld } from './world';

// Every wait in the suite has its own deadline and says what it last saw; cucumber's timer is only a backstop.
setDefaultTimeout(30 * 60_000);

Before(async function (this: StoryWorld, { pickle }) {
  await enterFeature(pickle.uri, this.kind);
});

// The test pod never outlives its scenario, pass or fail.
After(async function (this: StoryWorld) {
  if (!this.testPod) return;
  await removeTestPod((await this.target()).cluster, this.testPod);
  this.evidence.note(`removed test pod ${this.testPod.namespace}/${this.testPod.name}`);
});

/**
 * Failure policy for a half-built worker: a container this run created that never became a Ready node is removed
 * (with its Node and node-password secret, so the hostname can join again), unless SUITE_KEEP_ON_FAILURE asks to
 * keep it, in which case the commands to remove it are printed. A worker that reached Ready is the story's result
 * and stays.
 */
After(async function (this: StoryWorld, { result }) {
  if (result?.status !== Status.FAILED) return;
  const target = await this.target().catch(() => undefined);
  if (!target) return;
  for (const build of builtWorkers()) {
    const container = build.container;
    if (build.ready || !container || !createdThisRun.has(container.vmid)) continue;
    if (target.config.keepOnFailure) {
      this.evidence.note(`SUITE_KEEP_ON_FAILURE: keeping half-built CT ${container.vmid} (${container.hostname}) for inspection. Remove it with:\n${removalInstructions(container)}`);
      continue;
    }
    build.close();
    await removeWorker(target, container, this.evidence);
    createdThisRun.delete(container.vmid);
    build.container = undefined;
    this.evidence.note(`removed half-built CT ${container.vmid} (${container.hostname}); set SUITE_KEEP_ON_FAILURE=1 to keep it next time`);
  }
});

// The report's Environment section: where this run's stories ran. Written before the lab (if any) stops.
// Where this run's reports go (cucumber.js reads the same variable).
const reportsDir = process.env.REPORTS_DIR || 'reports';
const phaseHistoryFile = join(reportsDir, 'phase-history.jsonl');
const runStartedAt = Date.now();

// The feature's phases so far as a timeline picture (the last scenario's shows the whole feature), and how the
// story's phase durations moved over past runs, this one included.
After(function (this: StoryWorld, { gherkinDocument }) {
  const phases = progress.phases(featureStartedAt);
  if (!phases.length) return;
  this.attach(renderTimelineSvg(phases, `${gherkinDocument.feature?.name ?? 'feature'}: phases so far`), { mediaType: 'image/svg+xml', fileName: 'timeline.svg' });
  const runs = [...readPhaseHistory(phaseHistoryFile).slice(-29), summarizeRun(progress.phases(runStartedAt), this.kind)];
  this.attach(renderPhaseTrendSvg(runs, 'Story phase durations, run over run'), { mediaType: 'image/svg+xml', fileName: 'phase-trend.svg' });
});

AfterAll(async function () {
  const target = await openedTarget();
  if (target) {
    appendPhaseHistory(phaseHistoryFile, summarizeRun(progress.phases(runStartedAt), target.kind));
    const resultsDir = join(reportsDir, 'allure-results');
    mkdirSync(resultsDir, { recursive: true });
    const environment = await describeRunEnvironment(target, suiteVersion);
    writeFileSync(join(resultsDir, 'environment.properties'), secrets.mask(environmentProperties(environment)));
  }
  await closeRun();
});
