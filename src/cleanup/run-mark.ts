import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { SUITE_TAG } from '../provisioning/lxc-parameters';

/**
 * How a resource shows which run created it, the only licence cleanup has to remove it: the container's suite tag and
 * `(run <id>)` in its description, the pod's run label, a Node at the address of the run's container.
 */
export function containerCarriesMark(config: Record<string, unknown>, runId: string): boolean {
  return String(config.tags ?? '').split(/[;, ]/).includes(SUITE_TAG) && String(config.description ?? '').includes(`(run ${runId})`);
}

export function podCarriesMark(pod: V1Pod, runId: string): boolean {
  return pod.metadata?.labels?.['k3s-acceptance/run'] === runId;
}

export function nodeAt(node: V1Node, ip: string): boolean {
  return node.status?.addresses?.some((address) => address.type === 'InternalIP' && address.address === ip) ?? false;
}
