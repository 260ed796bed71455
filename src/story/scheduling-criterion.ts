import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { InfrastructureError } from '../errors';
import { probeWorkers } from '../health/probe-pods';
import { explainPlacement, placementEvidence } from '../provisioning/placement';
import { deployTestPod, podEvents, podLog, TestPodRef, waitForRunning, waitForScheduling } from '../provisioning/test-pod';
import type { WorkContext } from '../provisioning/work-context';

/** AC3's When: a plain nginx pod with no node selector, announced before it is created. */
export function deployFreePod(ctx: WorkContext): Promise<TestPodRef> {
  return deployTestPod(ctx.target.cluster, ctx.run.owner.runId, ctx.tracker);
}

/**
 * AC3's first Then: scheduled, and onto the worker; anywhere else fails with why the scheduler could choose it. The
 * report gets the placement by name, with the scheduler's event and the nodes' roles, either way.
 */
export async function requirePlacedOnWorker(ctx: WorkContext, pod: TestPodRef, workerName: string): Promise<V1Pod> {
  const { cluster } = ctx.target;
  const scheduled = await waitForScheduling(cluster, pod, ctx.waits);
  const placement = await explainPlacement(cluster, scheduled, workerName);
  const [nodes, events] = await Promise.all([cluster.core.listNode(), cluster.core.listNamespacedEvent({ namespace: pod.namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod.name}` })]);
  const where = placement.onWorker ? `on the worker ${workerName}` : `on ${scheduled.spec?.nodeName}, NOT the worker ${workerName}`;
  ctx.evidence.attach(`Placement: pod ${pod.name} ${where}`, `${placement.summary}\n\n${placementEvidence(scheduled, nodes.items, events.items)}`);
  if (!placement.onWorker) throw new InfrastructureError('scheduling', placement.summary);
  return scheduled;
}

/** AC3's second Then: Running; the pod's events and its log go to the report either way. */
export async function requireRunning(ctx: WorkContext, pod: TestPodRef): Promise<V1Pod> {
  try {
    return await waitForRunning(ctx.target.cluster, pod, ctx.waits);
  } finally {
    ctx.evidence.attach(`events of pod ${pod.name}`, await podEvents(ctx.target.cluster, pod));
    ctx.evidence.attach(`log of pod ${pod.name} (kubectl logs)`, await podLog(ctx.target.cluster, pod));
  }
}

/**
 * The whole of AC3 for a worker: the story's free pod, or — when several new workers join at once and the scheduler
 * may rightly pick any of them — a probe pod pinned to this worker.
 */
export async function proveScheduling(ctx: WorkContext, worker: V1Node, options: { pinned: boolean; onTestPod: (pod: TestPodRef) => void }): Promise<void> {
  if (options.pinned) return probeWorkers(ctx.target.cluster, [worker], ctx.run.owner.runId, ctx.tracker, ctx.waits);
  const pod = await deployFreePod(ctx);
  options.onTestPod(pod);
  await requirePlacedOnWorker(ctx, pod, worker.metadata!.name!);
  await requireRunning(ctx, pod);
}
