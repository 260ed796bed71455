import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/cluster-client';
import { isControlPlane, nodeReadiness, nodeRoles } from '../kube/node-readiness';
import { renderColumns } from '../kube/text-columns';

/**
 * Where the scheduler put the test pod, and, when it is not the new worker, why that can happen and how to make the
 * criterion deterministic: k3s servers are schedulable by default and the scheduler prefers the less loaded node.
 */
export async function explainPlacement(cluster: ClusterClient, pod: V1Pod, workerName: string): Promise<{ onWorker: boolean; summary: string }> {
  const nodeName = pod.spec?.nodeName ?? '';
  if (nodeName === workerName) return { onWorker: true, summary: `pod ${pod.metadata?.name} was scheduled to ${workerName}` };
  const node: V1Node = await cluster.core.readNode({ name: nodeName });
  if (isControlPlane(node)) {
    return {
      onWorker: false,
      summary:
        `pod ${pod.metadata?.name} was scheduled to the control-plane node ${nodeName}, not the worker ${workerName}. ` +
        'k3s servers carry no NoSchedule taint by default, so without a node selector the scheduler may pick them when they are less loaded. ' +
        `To make the criterion deterministic, taint the server (\`kubectl taint nodes ${nodeName} node-role.kubernetes.io/control-plane:NoSchedule\`, ` +
        'or start k3s with --node-taint CriticalAddonsOnly=true:NoExecute) so ordinary workloads run only on workers.',
    };
  }
  return {
    onWorker: false,
    summary: `pod ${pod.metadata?.name} was scheduled to ${nodeName}, another worker, not the new worker ${workerName}. With several workers the scheduler picks the least loaded one; cordon the others for this check or accept any worker.`,
  };
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
