import type { V1Node } from '@kubernetes/client-node';
import { nodeReadiness, nodeRoles } from './node-readiness';
import { renderColumns } from './text-columns';

/** Renders nodes as `kubectl get nodes -o wide` prints them, for the report's evidence. */
export function renderNodeTable(nodes: V1Node[], now = new Date()): string {
  const header = ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'OS-IMAGE'];
  const rows = nodes.map((node) => [
    node.metadata?.name ?? '',
    nodeReadiness(node).status,
    nodeRoles(node),
    age(node.metadata?.creationTimestamp, now),
    node.status?.nodeInfo?.kubeletVersion ?? '',
    node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address ?? '<none>',
    node.status?.nodeInfo?.osImage ?? '',
  ]);
  return renderColumns(header, rows, 3);
}

/** kubectl's short age: 45s, 12m, 3h, 5d. */
export function age(created: Date | string | undefined, now: Date): string {
  if (!created) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now.getTime() - new Date(created).getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 3600 * 2) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400 * 2) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** One node as it registered, field by field (what `kubectl get node NAME -o wide` shows, one line each), for evidence. */
export function describeNode(node: V1Node, now = new Date()): string {
  const info = node.status?.nodeInfo;
  const addresses = (node.status?.addresses ?? []).map((address) => `${address.type} ${address.address}`).join(', ');
  const created = node.metadata?.creationTimestamp;
  const readiness = nodeReadiness(node);
  return renderColumns(['FIELD', 'VALUE'], [
    ['name', node.metadata?.name ?? ''],
    ['registered', created ? `${new Date(created).toISOString()} (${age(created, now)} ago)` : '<unknown>'],
    ['roles', nodeRoles(node)],
    ['kubelet', info?.kubeletVersion ?? '<unknown>'],
    ['runtime', info?.containerRuntimeVersion ?? '<unknown>'],
    ['addresses', addresses || '<none>'],
    ['os', info?.osImage ?? '<unknown>'],
    ['status', readiness.ready ? 'Ready' : `${readiness.status} (${readiness.reason})`],
  ], 2);
}
