import { findCondition, type Condition, type KubeObject } from './kube-object';
import type { ResourceType } from './resource-types';

/** kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints the server's columns. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const column = (name: string, priority = 0, type = 'string', format = ''): Column => ({ name, type, format, description: name, priority });

/** apimachinery's duration.HumanDuration, which kubectl's AGE column shows. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  return `${Math.floor(days / 365)}y`;
}

const age = (object: KubeObject) => humanDuration(Date.now() - Date.parse(object.metadata.creationTimestamp ?? ''));

function nodeRow(node: KubeObject): unknown[] {
  const ready = findCondition(node.status?.conditions as Condition[], 'Ready');
  let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (node.spec?.unschedulable) status += ',SchedulingDisabled';
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((label) => label.startsWith('node-role.kubernetes.io/')).map((label) => label.slice('node-role.kubernetes.io/'.length)).sort();
  const address = (type: string) => (node.status?.addresses ?? []).find((a: { type: string }) => a.type === type)?.address ?? '<none>';
  const info = node.status?.nodeInfo ?? {};
  return [node.metadata.name, status, roles.join(',') || '<none>', age(node), info.kubeletVersion ?? '', address('InternalIP'), address('ExternalIP'),
    info.osImage ?? '', info.kernelVersion ?? '', info.containerRuntimeVersion ?? ''];
}

/** The STATUS column as kubectl's pod printer derives it (pkg/printers/internalversion). */
export function podStatusColumn(pod: KubeObject): string {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  for (const status of pod.status?.containerStatuses ?? []) {
    if (status.state?.waiting?.reason) reason = status.state.waiting.reason;
    else if (status.state?.terminated?.reason) reason = status.state.terminated.reason;
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function podRow(pod: KubeObject): unknown[] {
  const statuses = pod.status?.containerStatuses ?? [];
  const ready = statuses.filter((s: { ready?: boolean }) => s.ready).length;
  const restarts = statuses.reduce((sum: number, s: { restartCount?: number }) => sum + (s.restartCount ?? 0), 0);
  return [pod.metadata.name, `${ready}/${pod.spec?.containers?.length ?? 0}`, podStatusColumn(pod), restarts, age(pod),
    pod.status?.podIP ?? '<none>', pod.spec?.nodeName ?? '<none>', pod.status?.nominatedNodeName ?? '<none>', '<none>'];
}

const COLUMNS: Record<string, { columns: Column[]; row: (object: KubeObject) => unknown[] }> = {
  nodes: {
    columns: [column('Name', 0, 'string', 'name'), column('Status'), column('Roles'), column('Age'), column('Version'), column('Internal-IP', 1),
      column('External-IP', 1), column('OS-Image', 1), column('Kernel-Version', 1), column('Container-Runtime', 1)],
    row: nodeRow,
  },
  pods: {
    columns: [column('Name', 0, 'string', 'name'), column('Ready'), column('Status'), column('Restarts', 0, 'string'), column('Age'),
      column('IP', 1), column('Node', 1), column('Nominated Node', 1), column('Readiness Gates', 1)],
    row: podRow,
  },
};

export function asTable(type: ResourceType, objects: KubeObject[], resourceVersion: number) {
  const printer = COLUMNS[type.plural] ?? { columns: [column('Name', 0, 'string', 'name'), column('Age')], row: (o: KubeObject) => [o.metadata.name, age(o)] };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: String(resourceVersion) },
    columnDefinitions: printer.columns,
    rows: objects.map((object) => ({
      cells: printer.row(object),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata },
    })),
  };
}
