/** The resources the emulated API server serves, with what discovery (`/api/v1`, `/apis/<group>/<version>`) says about them. */
export interface ResourceType {
  /** The API group: '' for core (served under /api), else e.g. `batch` (served under /apis/batch). */
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Discovery's categories (`kubectl get all` lists the resources in `all`). */
  categories?: string[];
  verbs: string[];
  /** Subresources with their own verbs, e.g. pods/status. */
  subresources: Record<string, { kind: string; verbs: string[] }>;
  /** Whether the main endpoint ignores status changes and /status ignores the rest (pods, nodes, namespaces). */
  hasStatus: boolean;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const statusVerbs = { verbs: ['get', 'patch', 'update'] };
const core = { group: '', version: 'v1' };
const rbac = { group: 'rbac.authorization.k8s.io', version: 'v1', verbs: allVerbs, subresources: {}, hasStatus: false };
const batch = { group: 'batch', version: 'v1' };

// Plurals are unique across the groups the lab serves, so the store keys objects by plural alone.
export const RESOURCE_TYPES: ResourceType[] = [
  { ...core, plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], verbs: allVerbs, subresources: {}, hasStatus: false },
  { ...core, plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], verbs: allVerbs, subresources: {}, hasStatus: false },
  {
    ...core, plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: { status: { kind: 'Namespace', ...statusVerbs } }, hasStatus: true,
  },
  {
    ...core, plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], verbs: allVerbs,
    subresources: { status: { kind: 'Node', ...statusVerbs } }, hasStatus: true,
  },
  {
    ...core, plural: 'persistentvolumeclaims', singular: 'persistentvolumeclaim', kind: 'PersistentVolumeClaim', namespaced: true, shortNames: ['pvc'],
    verbs: allVerbs, subresources: { status: { kind: 'PersistentVolumeClaim', ...statusVerbs } }, hasStatus: true,
  },
  {
    ...core, plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], verbs: allVerbs,
    subresources: { status: { kind: 'Pod', ...statusVerbs }, binding: { kind: 'Binding', verbs: ['create'] } }, hasStatus: true,
  },
  { ...core, plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, verbs: allVerbs, subresources: {}, hasStatus: false },
  { ...core, plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'], verbs: allVerbs, subresources: {}, hasStatus: false },
  {
    ...core, plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'],
    verbs: allVerbs.filter((v) => v !== 'deletecollection'), subresources: { status: { kind: 'Service', ...statusVerbs } }, hasStatus: true,
  },
  { ...rbac, plural: 'clusterrolebindings', singular: 'clusterrolebinding', kind: 'ClusterRoleBinding', namespaced: false },
  { ...rbac, plural: 'clusterroles', singular: 'clusterrole', kind: 'ClusterRole', namespaced: false },
  { ...rbac, plural: 'rolebindings', singular: 'rolebinding', kind: 'RoleBinding', namespaced: true },
  { ...rbac, plural: 'roles', singular: 'role', kind: 'Role', namespaced: true },
  {
    ...batch, plural: 'cronjobs', singular: 'cronjob', kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: ['all'], verbs: allVerbs,
    subresources: { status: { kind: 'CronJob', ...statusVerbs } }, hasStatus: true,
  },
];

/** `v1` for core, `<group>/<version>` otherwise: what objects carry as apiVersion. */
export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** The group-versions served, in discovery order (core first). */
export function groupVersions(): Array<{ group: string; version: string }> {
  const seen = new Map<string, { group: string; version: string }>();
  for (const { group, version } of RESOURCE_TYPES) seen.set(`${group}/${version}`, { group, version });
  return [...seen.values()];
}

export function resourceType(plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((type) => type.plural === plural);
}

/** The resource a URL names: `/api/v1/<plural>` or `/apis/<group>/<version>/<plural>`. */
export function resourceTypeIn(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((type) => type.group === group && type.version === version && type.plural === plural);
}

export function resourceTypeOfKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((type) => type.kind === kind);
}
