import { findCondition, type Condition, type KubeObject } from './kube-object';
import { apiVersionOf, type ResourceType } from './resource-types';

/** kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints the server's columns. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** The Content-Type kube-apiserver answers a Table request with. */
export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** `?includeObject=`: what each row carries besides its cells (metav1.IncludeObjectPolicy, default Metadata). */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function includeObjectPolicy(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
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

/** translateTimestampSince in the printers: `<unknown>` for a zero time. */
const since = (timestamp: string | undefined | null) => (timestamp ? humanDuration(Date.now() - Date.parse(timestamp)) : '<unknown>');
const age = (object: KubeObject) => since(object.metadata.creationTimestamp);

function nodeRow(node: KubeObject): unknown[] {
  const ready = findCondition(node.status?.conditions as Condition[], 'Ready');
  let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (node.spec?.unschedulable) status += ',SchedulingDisabled';
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((label) => label.startsWith('node-role.kubernetes.io/')).map((label) => label.slice('node-role.kubernetes.io/'.length)).sort();
  const address = (type: string) => (node.status?.addresses ?? []).find((a: { type: string }) => a.type === type)?.address ?? '<none>';
  const info = node.status?.nodeInfo ?? {};
  return [node.metadata.name, status, roles.join(',') || '<none>', age(node), info.kubeletVersion ?? '', address('InternalIP'), address('ExternalIP'),
    info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>'];
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
  const gates = (pod.spec?.readinessGates ?? []) as Array<{ conditionType: string }>;
  const gatesCell = gates.length
    ? `${gates.filter((g) => findCondition(pod.status?.conditions, g.conditionType)?.status === 'True').length}/${gates.length}` : '<none>';
  return [pod.metadata.name, `${ready}/${pod.spec?.containers?.length ?? 0}`, podStatusColumn(pod), restarts, age(pod),
    pod.status?.podIP || '<none>', pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', gatesCell];
}

/** printEvent: OBJECT is `<lowercase kind>/<name>`, SOURCE `component, host`, LAST SEEN falls back to the first. */
function eventRow(event: KubeObject): unknown[] {
  const involved = (event.involvedObject ?? {}) as Record<string, string>;
  const source = (event.source ?? {}) as Record<string, string>;
  const firstSeen = event.firstTimestamp ? since(event.firstTimestamp as string) : since(event.eventTime as string | undefined);
  const lastSeen = event.lastTimestamp ? since(event.lastTimestamp as string) : firstSeen;
  const target = involved.name ? `${(involved.kind ?? '').toLowerCase()}/${involved.name}` : (involved.kind ?? '').toLowerCase();
  const component = source.component || (event.reportingComponent as string) || '';
  const host = source.host || (event.reportingInstance as string) || '';
  return [lastSeen, event.type ?? '', event.reason ?? '', target, involved.fieldPath ?? '', host ? `${component}, ${host}` : component,
    String(event.message ?? '').trim(), firstSeen, (event.count as number) || 1, event.metadata.name];
}

/** makePortString: `80/TCP`, `80:30080/TCP`. */
function servicePorts(service: KubeObject): string {
  const ports = (service.spec?.ports ?? []) as Array<{ port: number; nodePort?: number; protocol?: string }>;
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function serviceExternalIp(service: KubeObject): string {
  const external = (service.spec?.externalIPs ?? []) as string[];
  switch (service.spec?.type ?? 'ClusterIP') {
    case 'ExternalName': return service.spec?.externalName ?? '<none>';
    case 'LoadBalancer': {
      const ingress = ((service.status?.loadBalancer?.ingress ?? []) as Array<{ ip?: string; hostname?: string }>).map((i) => i.ip || i.hostname || '');
      const all = [...ingress.filter(Boolean), ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    default: return external.length ? external.join(',') : '<none>';
  }
}

function serviceRow(service: KubeObject): unknown[] {
  const selector = Object.entries((service.spec?.selector ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
  return [service.metadata.name, service.spec?.type ?? 'ClusterIP', service.spec?.clusterIPs?.[0] ?? service.spec?.clusterIP ?? '<none>',
    serviceExternalIp(service), servicePorts(service), age(service), selector.join(',') || '<none>'];
}

const count = (value: unknown) => Object.keys((value ?? {}) as object).length;

const BINDING_COLUMNS = [column('Name', 0, 'string', 'name'), column('Role'), column('Age'), column('Users', 1), column('Groups', 1), column('ServiceAccounts', 1)];

/** A (Cluster)RoleBinding's row: ROLE as `Kind/name`, subjects by kind, ServiceAccounts as `namespace/name`. */
function bindingRow(binding: KubeObject): unknown[] {
  const subjects = (binding.subjects ?? []) as Array<{ kind: string; name: string; namespace?: string }>;
  const ofKind = (kind: string) => subjects.filter((s) => s.kind === kind).map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', ');
  const roleRef = (binding.roleRef ?? {}) as { kind?: string; name?: string };
  return [binding.metadata.name, `${roleRef.kind}/${roleRef.name}`, age(binding), ofKind('User'), ofKind('Group'), ofKind('ServiceAccount')];
}

/** GetAccessModesAsString: RWO, ROX, RWX, RWOP, in that order. */
function accessModes(modes: string[] | undefined): string {
  const short: Array<[string, string]> = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];
  return short.filter(([mode]) => modes?.includes(mode)).map(([, abbreviation]) => abbreviation).join(',');
}

interface Printer {
  columns: Column[];
  row: (object: KubeObject) => unknown[];
}

/** The column sets of kube-apiserver's printers (pkg/printers/internalversion/printers.go), always generated wide. */
const PRINTERS: Record<string, Printer> = {
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
  events: {
    columns: [column('Last Seen'), column('Type'), column('Reason'), column('Object'), column('Subobject', 1), column('Source', 1), column('Message'),
      column('First Seen', 1), column('Count', 1), column('Name', 1, 'string', 'name')],
    row: eventRow,
  },
  namespaces: {
    columns: [column('Name', 0, 'string', 'name'), column('Status'), column('Age')],
    row: (ns) => [ns.metadata.name, ns.status?.phase ?? '', age(ns)],
  },
  secrets: {
    columns: [column('Name', 0, 'string', 'name'), column('Type'), column('Data', 0, 'string'), column('Age')],
    row: (secret) => [secret.metadata.name, secret.type ?? '', count(secret.data), age(secret)],
  },
  configmaps: {
    columns: [column('Name', 0, 'string', 'name'), column('Data', 0, 'string'), column('Age')],
    row: (cm) => [cm.metadata.name, count(cm.data) + count(cm.binaryData), age(cm)],
  },
  services: {
    columns: [column('Name', 0, 'string', 'name'), column('Type'), column('Cluster-IP'), column('External-IP'), column('Port(s)'), column('Age'),
      column('Selector', 1)],
    row: serviceRow,
  },
  serviceaccounts: {
    columns: [column('Name', 0, 'string', 'name'), column('Secrets', 0, 'string'), column('Age')],
    row: (sa) => [sa.metadata.name, ((sa.secrets ?? []) as unknown[]).length, age(sa)],
  },
  persistentvolumeclaims: {
    columns: [column('Name', 0, 'string', 'name'), column('Status'), column('Volume'), column('Capacity'), column('Access Modes'), column('StorageClass'),
      column('VolumeAttributesClass'), column('Age'), column('VolumeMode', 1)],
    row: (claim) => [claim.metadata.name, claim.metadata.deletionTimestamp ? 'Terminating' : claim.status?.phase ?? '', claim.spec?.volumeName ?? '',
      claim.status?.capacity?.storage ?? '', accessModes(claim.status?.accessModes), claim.spec?.storageClassName ?? '',
      claim.spec?.volumeAttributesClassName ?? '<unset>', age(claim), claim.spec?.volumeMode ?? ''],
  },
  rolebindings: { columns: BINDING_COLUMNS, row: bindingRow },
  clusterrolebindings: { columns: BINDING_COLUMNS, row: bindingRow },
  cronjobs: {
    columns: [column('Name', 0, 'string', 'name'), column('Schedule'), column('Timezone'), column('Suspend', 0, 'boolean'), column('Active', 0, 'integer'),
      column('Last Schedule'), column('Age'), column('Containers', 1), column('Images', 1), column('Selector', 1)],
    row: (cronJob) => {
      const containers = (cronJob.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []) as Array<{ name: string; image: string }>;
      const lastSchedule = cronJob.status?.lastScheduleTime;
      return [cronJob.metadata.name, cronJob.spec?.schedule ?? '', cronJob.spec?.timeZone ?? '<none>', cronJob.spec?.suspend ? 'True' : 'False',
        ((cronJob.status?.active ?? []) as unknown[]).length, lastSchedule ? humanDuration(Date.now() - Date.parse(lastSchedule)) : '<none>', age(cronJob),
        containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), '<none>'];
    },
  },
};

/**
 * The apiserver's default table for a resource without a printer (rest/table.go): NAME and CREATED AT. Roles and
 * ClusterRoles print the same columns.
 */
const DEFAULT_PRINTER: Printer = {
  columns: [column('Name', 0, 'string', 'name'), column('Created At', 0, 'date')],
  row: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? ''],
};

export function asTable(type: ResourceType, objects: KubeObject[], resourceVersion: number, include: IncludeObject = 'Metadata') {
  const printer = PRINTERS[type.plural] ?? DEFAULT_PRINTER;
  const rowObject = (object: KubeObject) => {
    if (include === 'None') return {};
    if (include === 'Object') return { object: { kind: type.kind, apiVersion: apiVersionOf(type), ...object } };
    return { object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata } };
  };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: String(resourceVersion) },
    columnDefinitions: printer.columns,
    rows: objects.map((object) => ({ cells: printer.row(object), ...rowObject(object) })),
  };
}
