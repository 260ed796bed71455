import type { V1Node } from '@kubernetes/client-node';

/** How a node's Ready condition reads, in kubectl's and the operator's words. */
export interface NodeReadiness {
  ready: boolean;
  /** kubectl's STATUS column: Ready, NotReady, Unknown, plus ",SchedulingDisabled" when cordoned. */
  status: string;
  /** `KubeletNotReady: container runtime network not ready…`, for messages. */
  reason: string;
  lastHeartbeat?: Date;
}

export function nodeReadiness(node: V1Node): NodeReadiness {
  const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
  const base = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown';
  return {
    ready: ready?.status === 'True',
    status: node.spec?.unschedulable ? `${base},SchedulingDisabled` : base,
    reason: ready ? `${ready.reason ?? 'no reason'}: ${ready.message ?? ''}`.trim() : 'no Ready condition yet (kubelet has not reported)',
    lastHeartbeat: ready?.lastHeartbeatTime ? new Date(ready.lastHeartbeatTime) : undefined,
  };
}

/** "k3s-worker-01 is Unknown: NodeStatusUnknown: Kubelet stopped posting node status. (last heartbeat 41s ago)" */
export function describeReadiness(node: V1Node, now = Date.now()): string {
  const readiness = nodeReadiness(node);
  const heartbeat = readiness.lastHeartbeat ? ` (last heartbeat ${Math.round((now - readiness.lastHeartbeat.getTime()) / 1000)}s ago)` : '';
  return `${node.metadata?.name} is ${readiness.status}: ${readiness.reason}${heartbeat}`;
}

/** kubectl's ROLES column: the node-role.kubernetes.io/* labels, or <none>. */
export function nodeRoles(node: V1Node): string {
  const roles = Object.keys(node.metadata?.labels ?? {})
    .filter((label) => label.startsWith('node-role.kubernetes.io/'))
    .map((label) => label.slice('node-role.kubernetes.io/'.length))
    .sort();
  return roles.length ? roles.join(',') : '<none>';
}

export function isControlPlane(node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  return 'node-role.kubernetes.io/control-plane' in labels || 'node-role.kubernetes.io/master' in labels;
}
