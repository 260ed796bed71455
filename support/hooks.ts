import { After, AfterAll, Before, setDefaultTimeout, Status } from '@cucumber/cucumber';
import { removeTestPod } from '../src/provisioning/test-pod';
import { suiteTimeouts } from '../src/waiting/suite-timeouts';
import { closeRun, currentLedger, enterFeature, featureStartedAt, openedTarget, settleFailedRun, takeSweptLeftovers, useFaultsOnNextLab } from './run-state';
import { specValue } from './pickle-spec';
import { phasePictures, recordRun } from './run-report';
import { StoryWorld } from './world';

// Every wait in the suite has its own deadline and says what it last saw; cucumber's timer is only a backstop.
setDefaultTimeout(30 * 60_000);

Before(async function (this: StoryWorld, { pickle }) {
  suiteTimeouts.reset();
  await enterFeature(pickle.uri, this.kind);
});

// A @fault:<name> scenario gets a fresh embedded lab with that fault armed (lab/fault-switches.ts); the real profile
// skips it, since faults cannot be switched on in real systems.
Before(async function (this: StoryWorld, { pickle }) {
  const names = pickle.tags.map((tag) => tag.name).filter((tag) => tag.startsWith('@fault:')).map((tag) => tag.slice('@fault:'.length));
  if (!names.length) return undefined;
  if (this.kind !== 'lab') return 'skipped';
  await useFaultsOnNextLab(names, { hostname: specValue(pickle, 'hostname') ?? 'k3s-worker-01' });
  return undefined;
});

// The test pod never outlives its scenario, pass or fail.
After(async function (this: StoryWorld) {
  if (!this.testPod) return;
  await removeTestPod((await this.target()).cluster, this.testPod);
  (await currentLedger(this.kind)).removed({ kind: 'pod', ...this.testPod });
  this.evidence.note(`removed test pod ${this.testPod.namespace}/${this.testPod.name}`);
});

// A failed scenario leaves nothing behind that the run created and did not keep, unless asked to (src/cleanup/).
After(async function (this: StoryWorld, { result }) {
  if (result?.status !== Status.FAILED) return;
  await settleFailedRun(this.evidence);
});

// What the start of the run removed of crashed runs, told in the first scenario that opened the target.
After(function (this: StoryWorld) {
  for (const line of takeSweptLeftovers()) this.evidence.note(`cleanup at start: ${line}`);
});

// Pictures of the feature's phases (the last scenario's shows the whole feature) and of phase durations over runs.
After(function (this: StoryWorld, { gherkinDocument }) {
  for (const picture of phasePictures(gherkinDocument.feature?.name ?? 'feature', featureStartedAt, this.kind)) {
    this.attach(picture.svg, { mediaType: 'image/svg+xml', fileName: picture.fileName });
  }
});

// The run's record (phase history, environment) is written while its target, and the lab behind it, still answer.
AfterAll(async function () {
  const target = await openedTarget();
  if (target) await recordRun(target);
  await closeRun();
});
