import { K3S_VERSION } from '../../contracts/k3s-join';
import { apiVersionOf, groupVersions, allResources } from './resource-registry';

/** GET /version of k3s v1.34.3+k3s1 (k8s.io/apimachinery/pkg/version.Info). */
export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '34',
    emulationMajor: '1',
    emulationMinor: '34',
    minCompatibilityMajor: '1',
    minCompatibilityMinor: '33',
    gitVersion: K3S_VERSION,
    gitCommit: '48ffa7b6ae2b2e8c5d0ba9e2e4e5b5e3e6d1a0b1',
    gitTreeState: 'clean',
    buildDate: '2025-12-10T21:18:36Z',
    goVersion: 'go1.24.11',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** GET /apis: every group the lab serves besides core, each with its one version (preferred). */
export function apiGroups() {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groupVersions().filter(({ group }) => group).map(({ group }) => apiGroup(group)!) };
}

/** GET /api/v1, /apis/<group> or /apis/<group>/<version>; undefined for anything else or what the lab does not serve. */
export function discoveryDocument(path: string): object | undefined {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts.length === 2) return resourceList('', parts[1]);
  if (parts[0] === 'apis' && parts.length === 2) return apiGroup(parts[1]);
  if (parts[0] === 'apis' && parts.length === 3) return resourceList(parts[1], parts[2]);
  return undefined;
}

/** GET /apis/<group>, or undefined for a group the lab does not serve (core has none: it is /api). */
function apiGroup(group: string) {
  if (!group) return undefined;
  const versions = groupVersions().filter((gv) => gv.group === group).map((gv) => ({ groupVersion: apiVersionOf(gv), version: gv.version }));
  if (!versions.length) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

/** GET /api/v1 or /apis/<group>/<version>: the resources and subresources of one group-version. */
function resourceList(group: string, version: string) {
  const types = allResources().filter((type) => type.group === group && type.version === version);
  if (!types.length) return undefined;
  const resources = types.flatMap((type) => [
    {
      name: type.plural, singularName: type.singular, namespaced: type.namespaced, kind: type.kind, verbs: type.verbs,
      ...(type.shortNames ? { shortNames: type.shortNames } : {}),
      ...(type.categories ? { categories: type.categories } : {}),
    },
    ...Object.entries(type.subresources).map(([sub, { kind, verbs, group: kindGroup, version: kindVersion }]) => ({
      name: `${type.plural}/${sub}`, singularName: '', namespaced: type.namespaced,
      // kubectl drain finds the Eviction API by this group and version (drain.CheckEvictionSupport).
      ...(kindGroup !== undefined ? { group: kindGroup, version: kindVersion } : {}),
      kind, verbs,
    })),
  ]);
  return { kind: 'APIResourceList', ...(group ? { apiVersion: 'v1' } : {}), groupVersion: apiVersionOf({ group, version }), resources };
}
