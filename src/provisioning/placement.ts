import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/cluster-client';
import { isControlPlane, nodeReadiness, nodeRoles } from '../kube/node-readiness';
import { renderColumns } from '../kube/text-columns';

/**
 * Where the scheduler put the test pod, and, when it is not the new worker, why that can happen and how to make the
 * criterion deterministic: k3s servers are schedulable by default, and the default scheduler's scores
 * (NodeResourcesFit's LeastAllocated, BalancedAllocation, ImageLocality) prefer the emptier node, or one that already
 * has the image.
 */
export async function explainPlacement(cluster: ClusterClient, pod: V1Pod, workerName: string): Promise<{ onWorker: boolean; summary: string }> {
  const nodeName = pod.spec?.nodeName ?? '';
  if (nodeName === workerName) return { onWorker: true, summary: `pod ${pod.metadata?.name} was scheduled to ${workerName}` };
  const [node, worker] = await Promise.all([cluster.core.readNode({ name: nodeName }), cluster.core.readNode({ name: workerName }).catch(() => undefined)]);
  const why = scoringReasons(node, worker, pod);
  if (isControlPlane(node)) {
    return {
      onWorker: false,
      summary:
        `pod ${pod.metadata?.name} was scheduled to the control-plane node ${nodeName}, not the worker ${workerName}. ` +
        `k3s servers carry no NoSchedule taint by default, so without a node selector the scheduler may pick them when they are less loaded${why}. ` +
        `To make the criterion deterministic, taint the server (\`kubectl taint nodes ${nodeName} node-role.kubernetes.io/control-plane:NoSchedule\`, ` +
        'or start k3s with --node-taint CriticalAddonsOnly=true:NoExecute) so ordinary workloads run only on workers.',
    };
  }
  return {
    onWorker: false,
    summary: `pod ${pod.metadata?.name} was scheduled to ${nodeName}, another worker, not the new worker ${workerName}${why}. With several workers the scheduler picks the least loaded one; cordon the others for this check or accept any worker.`,
  };
}

/** What the scores saw: each node's allocatable cores and memory, and whether the chosen one had the image already. */
function scoringReasons(chosen: V1Node, worker: V1Node | undefined, pod: V1Pod): string {
  const size = (node: V1Node) => `${node.status?.allocatable?.cpu ?? '?'} CPUs and ${node.status?.allocatable?.memory ?? '?'} memory allocatable`;
  const image = pod.spec?.containers?.[0]?.image;
  const cached = image && chosen.status?.images?.some((entry) => entry.names?.some((name) => name === image || name.endsWith(`/${image}`)));
  const parts = [`${chosen.metadata?.name} has ${size(chosen)}`, ...(worker ? [`${worker.metadata?.name} ${size(worker)}`] : [])];
  return ` (${parts.join(', ')}${cached ? `; ${chosen.metadata?.name} already has ${image}` : ''})`;
}

/**
 * The proof of where the pod went, for the report: the node the pod names, the scheduler's own event saying it put
 * it there, and every node with its role, so "the worker, not the master" can be read off without the cluster.
 */
export function placementEvidence(pod: V1Pod, nodes: V1Node[], events: CoreV1Event[]): string {
  const scheduled = events.filter((event) => event.reason === 'Scheduled' || event.reason === 'FailedScheduling');
  const eventLines = scheduled.map((event) => `  ${event.type ?? ''} ${event.reason} from ${event.reportingComponent || event.source?.component || '?'}: ${event.message ?? ''}`);
  const nodeRows = nodes.map((node) => {
    const name = node.metadata?.name ?? '';
    return [name, nodeRoles(node), isControlPlane(node) ? 'control plane (server)' : 'worker (agent)', nodeReadiness(node).status, name === pod.spec?.nodeName ? '<- the pod' : ''];
  });
  return [
    `pod ${pod.metadata?.namespace}/${pod.metadata?.name}: spec.nodeName = ${pod.spec?.nodeName ?? '<unscheduled>'}`,
    '',
    'the scheduler\'s event:',
    ...(eventLines.length ? eventLines : ['  (none recorded)']),
    '',
    renderColumns(['NODE', 'ROLES', 'KIND', 'STATUS', ''], nodeRows, 3),
  ].join('\n');
}
