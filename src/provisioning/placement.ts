import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/cluster-client';
import { isControlPlane } from '../kube/node-readiness';

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
