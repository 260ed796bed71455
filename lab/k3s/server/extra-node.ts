import type { KubeObject } from '../../contracts/kube-object';
import type { ObjectStore } from '../apiserver/object-store';

/**
 * A Node no kubelet posts for, shaped like the server's own (nodeInfo, capacity) but named, addressed and conditioned
 * as asked: someone else's machine in a fault, or the many workers of a benchmark. It stays as written.
 */
export function addNodeLikeServer(store: ObjectStore, name: string, options: { ip: string; conditions?: unknown[]; podCIDR?: string }): KubeObject {
  const server = store.list('nodes')[0];
  return store.create('nodes', {
    ...structuredClone(server),
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: options.podCIDR ? { podCIDR: options.podCIDR } : {},
    status: {
      ...structuredClone(server.status),
      ...(options.conditions ? { conditions: options.conditions } : {}),
      addresses: [{ type: 'InternalIP', address: options.ip }, { type: 'Hostname', address: name }],
    },
  } as KubeObject);
}
