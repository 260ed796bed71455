import { ResourceTracker } from '../cleanup/cleanup-ledger';
import { InfrastructureError } from '../errors';
import { probeWorkers } from '../health/probe-pods';
import { Evidence } from './evidence';
import { requireCapacity } from './host-capacity';
import { requireReadyNode } from './node-ready';
import { explainPlacement } from './placement';
import { Target } from './target';
import { deployTestPod, podEvents, TestPodRef, waitForRunning, waitForScheduling } from './test-pod';
import { WorkerBuild } from './worker-build';

export interface AddWorkerRun {
  build: WorkerBuild;
  target: Target;
  runId: string;
  tracker: ResourceTracker;
  evidence: Evidence;
  /** Told the test pod's name as soon as it exists, so it is removed whatever happens next. */
  onTestPod: (pod: TestPodRef) => void;
  /**
   * Prove the worker with a pod pinned to it instead of the story's free-choice pod: when several new workers join at
   * once, the scheduler may rightly place a free pod on any of them.
   */
  pinTestPod?: boolean;
}

/**
 * The whole story in one task, as an operator runs it: a container with room for it, the agent joined and Ready, and a
 * plain pod scheduled onto the worker and running. The first thing that goes wrong ends it with its reason.
 */
export async function addWorker(run: AddWorkerRun): Promise<void> {
  const { build, target, evidence } = run;
  await requireCapacity(target, build.spec, evidence);
  await build.ensureContainer(evidence);
  await build.ensureReady(evidence);
  const node = requireReadyNode((await target.cluster.core.listNode()).items, build.spec.hostname);
  if (run.pinTestPod) return probeWorkers(target.cluster, [node], run.runId, run.tracker);
  const pod = await deployTestPod(target.cluster, run.runId, run.tracker);
  run.onTestPod(pod);
  const placement = await explainPlacement(target.cluster, await waitForScheduling(target.cluster, pod), build.spec.hostname);
  if (!placement.onWorker) throw new InfrastructureError('scheduling', placement.summary);
  try {
    await waitForRunning(target.cluster, pod);
  } finally {
    evidence.attach(`events of pod ${pod.name}`, await podEvents(target.cluster, pod));
  }
}
