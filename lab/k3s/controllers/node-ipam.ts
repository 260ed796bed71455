import type { ObjectStore } from '../apiserver/object-store';

/**
 * k3s's default cluster CIDR 10.42.0.0/16 cut into one /24 per node, as kube-controller-manager's node IPAM
 * controller hands them out: the lowest free block, the server usually getting 10.42.0.0/24.
 */
export function nextPodCidr(store: ObjectStore): string {
  const used = new Set(store.list('nodes').map((node) => node.spec?.podCIDR).filter(Boolean));
  for (let block = 0; block < 256; block += 1) {
    const cidr = `10.42.${block}.0/24`;
    if (!used.has(cidr)) return cidr;
  }
  throw new Error('k3s lab: cluster CIDR 10.42.0.0/16 has no free /24 left for another node');
}
