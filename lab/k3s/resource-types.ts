/** The core/v1 resources the emulated API server serves, with what discovery (`/api/v1`) says about them. */
export interface ResourceType {
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs: string[];
  /** Subresources with their own verbs, e.g. pods/status. */
  subresources: Record<string, { kind: string; verbs: string[] }>;
  /** Whether the main endpoint ignores status changes and /status ignores the rest (pods, nodes, namespaces). */
  hasStatus: boolean;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const statusVerbs = { verbs: ['get', 'patch', 'update'] };

export const RESOURCE_TYPES: ResourceType[] = [
  { plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], verbs: allVerbs, subresources: {}, hasStatus: false },
  { plural: 'events', singular: 'event', kind: 'Event', namespaced: true, shortNames: ['ev'], verbs: allVerbs, subresources: {}, hasStatus: false },
  {
    plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: { status: { kind: 'Namespace', ...statusVerbs } }, hasStatus: true,
  },
  {
    plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], verbs: allVerbs,
    subresources: { status: { kind: 'Node', ...statusVerbs } }, hasStatus: true,
  },
  {
    plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], verbs: allVerbs,
    subresources: { status: { kind: 'Pod', ...statusVerbs }, binding: { kind: 'Binding', verbs: ['create'] } }, hasStatus: true,
  },
  { plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, verbs: allVerbs, subresources: {}, hasStatus: false },
  {
    plural: 'services', singular: 'service', kind: 'Service', namespaced: true, shortNames: ['svc'], verbs: allVerbs.filter((v) => v !== 'deletecollection'),
    subresources: { status: { kind: 'Service', ...statusVerbs } }, hasStatus: true,
  },
];

export function resourceType(plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((type) => type.plural === plural);
}

export function resourceTypeOfKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((type) => type.kind === kind);
}
