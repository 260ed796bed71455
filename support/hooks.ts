import { After, AfterAll, Before, setDefaultTimeout, Status } from '@cucumber/cucumber';
import { removalInstructions, removeWorker } from '../src/provisioning/remove-worker';
import { removeTestPod } from '../src/provisioning/test-pod';
import { builtWorkers, closeRun, createdThisRun, enterFeature, featureStartedAt, openedTarget } from './run-state';
import { phasePictures, recordRun } from './run-report';
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
