import { isNotFound, kubernetesErrorMessage } from '../kube/cluster-client';
import { destroyContainer } from '../provisioning/destroy-container';
import { removeTestPod } from '../provisioning/test-pod';
import type { Evidence } from '../provisioning/evidence';
import type { Target } from '../provisioning/target';
import { describeResource, TrackedResource } from './cleanup-ledger';
import { containerCarriesMark, nodeAt, podCarriesMark } from './run-mark';

const TASK_TIMEOUT_MS = 5 * 60_000;

export type RemovalOutcome = 'removed' | 'already gone' | 'not ours, left alone';

/** What one resource's removal came to, for the operator. */
export interface Removal {
  resource: TrackedResource;
  outcome?: RemovalOutcome;
  error?: string;
}

/**
 * Removes what a run recorded, newest first (pods, then the Node and its node-password secret, then the container),
 * and only what carries that run's mark: a container tagged by the suite with the run id in its description, a pod
 * labelled with the run id, a Node whose address is the run's container's. Anything else found under the same name
 * belongs to someone else and is left alone. One failure does not stop the rest.
 */
export async function removeTracked(
  target: Target,
  runId: string,
  resources: TrackedResource[],
  evidence: Evidence,
  onSettled: (resource: TrackedResource) => void,
): Promise<Removal[]> {
  const removals: Removal[] = [];
  for (const resource of [...resources].reverse()) {
    try {
      const outcome = await removeOne(target, runId, resource, evidence);
      onSettled(resource);
      removals.push({ resource, outcome });
      evidence.note(`cleanup: ${describeResource(resource)}: ${outcome}`);
    } catch (error) {
      const message = kubernetesErrorMessage(error);
      removals.push({ resource, error: message });
      evidence.note(`cleanup: ${describeResource(resource)} could not be removed: ${message}`);
    }
  }
  return removals;
}

async function removeOne(target: Target, runId: string, resource: TrackedResource, evidence: Evidence): Promise<RemovalOutcome> {
  switch (resource.kind) {
    case 'pod': return removePod(target, runId, resource);
    case 'node': return removeNode(target, resource);
    case 'node-password-secret': return deleteIgnoringAbsent(() => target.cluster.core.deleteNamespacedSecret({ name: resource.name, namespace: 'kube-system' }));
    case 'container': return removeContainer(target, runId, resource, evidence);
  }
}

async function removePod(target: Target, runId: string, pod: { namespace: string; name: string }): Promise<RemovalOutcome> {
  try {
    const found = await target.cluster.core.readNamespacedPod(pod);
    if (!podCarriesMark(found, runId)) return 'not ours, left alone';
  } catch (error) {
    if (isNotFound(error)) return 'already gone';
    throw error;
  }
  await removeTestPod(target.cluster, pod);
  return 'removed';
}

async function removeNode(target: Target, node: { name: string; ip: string }): Promise<RemovalOutcome> {
  try {
    const found = await target.cluster.core.readNode({ name: node.name });
    // A Node registered by another machine under the same name is someone else's.
    if (found.status?.addresses?.length && !nodeAt(found, node.ip)) return 'not ours, left alone';
  } catch (error) {
    if (isNotFound(error)) return 'already gone';
    throw error;
  }
  return deleteIgnoringAbsent(() => target.cluster.core.deleteNode({ name: node.name }));
}

async function deleteIgnoringAbsent(remove: () => Promise<unknown>): Promise<RemovalOutcome> {
  try {
    await remove();
    return 'removed';
  } catch (error) {
    if (isNotFound(error)) return 'already gone';
    throw error;
  }
}

async function removeContainer(target: Target, runId: string, container: { vmid: number; hostname: string }, evidence: Evidence): Promise<RemovalOutcome> {
  const status = await target.proxmox.containerStatus(container.vmid);
  if (!status) return 'already gone';
  if (!containerCarriesMark(await target.proxmox.containerConfig(container.vmid), runId)) return 'not ours, left alone';
  await destroyContainer(target, container.vmid, status.status === 'running', TASK_TIMEOUT_MS, evidence);
  return 'removed';
}

/** What an operator runs to remove resources kept for inspection. */
export function removalInstructions(resources: TrackedResource[]): string {
  return [...resources]
    .reverse()
    .map((resource) => {
      switch (resource.kind) {
        case 'pod': return `kubectl -n ${resource.namespace} delete pod ${resource.name} --ignore-not-found`;
        case 'node': return `kubectl delete node ${resource.name} --ignore-not-found`;
        case 'node-password-secret': return `kubectl -n kube-system delete secret ${resource.name} --ignore-not-found`;
        case 'container': return `pct stop ${resource.vmid}; pct destroy ${resource.vmid} --purge   # on the Proxmox host`;
      }
    })
    .join('\n');
}
