import { NODE_PASSWORD_NAMESPACE } from '../k3s/node-password';
import { isNotFound, kubernetesErrorMessage, unlessNotFound } from '../kube/cluster-client';
import { deletePodAndWait } from '../kube/pod-deletion';
import { destroyContainer } from '../proxmox/destroy-container';
import type { Evidence } from '../report/evidence';
import type { Target } from '../target/target';
import type { Waits } from '../waiting/waits';
import { describeResource, TrackedResource } from './cleanup-ledger';
import { containerCarriesMark, nodeAt, podCarriesMark } from './run-mark';

export type RemovalOutcome = 'removed' | 'already gone' | 'not ours, left alone';

/** What one resource's removal came to, for the operator. */
export interface Removal {
  resource: TrackedResource;
  outcome?: RemovalOutcome;
  error?: string;
}

/**
 * The order removal takes: pods first, then containers, and the Node and node-password secret only once the
 * container is gone. While a container lives its agent (systemd Restart=always) re-registers a deleted Node and the
 * supervisor writes the secret again on its next attempt, so deleting them first races the agent.
 */
const REMOVAL_ORDER: Record<TrackedResource['kind'], number> = { pod: 0, container: 1, node: 2, 'node-password-secret': 3 };

/**
 * Removes what a run recorded, in REMOVAL_ORDER (newest first within a kind), and only what carries that run's mark:
 * a container tagged by the suite with the run id in its description, a pod labelled with the run id, a Node whose
 * address is the run's container's. Anything else found under the same name belongs to someone else and is left
 * alone. A Node or secret that is back after its deletion is reported, not taken as removed. One failure does not
 * stop the rest.
 */
export async function removeTracked(
  target: Target,
  runId: string,
  resources: TrackedResource[],
  evidence: Evidence,
  onSettled: (resource: TrackedResource) => void,
): Promise<Removal[]> {
  const ordered = [...resources].reverse().sort((a, b) => REMOVAL_ORDER[a.kind] - REMOVAL_ORDER[b.kind]);
  const removals: Removal[] = [];
  for (const resource of ordered) {
    try {
      const outcome = await removeOne(target, runId, resource, evidence);
      if (outcome === 'removed') await requireStillGone(target, resource);
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
  const waits = target.services.waits;
  switch (resource.kind) {
    case 'pod': return removePod(target, runId, resource, waits);
    case 'node': return removeNode(target, resource);
    case 'node-password-secret': return deleteIgnoringAbsent(() => target.cluster.core.deleteNamespacedSecret({ name: resource.name, namespace: NODE_PASSWORD_NAMESPACE }));
    case 'container': return removeContainer(target, runId, resource, waits, evidence);
  }
}

/** After the container is gone nothing can bring a Node or secret back; if one is back, something else did. */
async function requireStillGone(target: Target, resource: TrackedResource): Promise<void> {
  const core = target.cluster.core;
  const back =
    resource.kind === 'node' ? await unlessNotFound(core.readNode({ name: resource.name }))
    : resource.kind === 'node-password-secret' ? await unlessNotFound(core.readNamespacedSecret({ name: resource.name, namespace: NODE_PASSWORD_NAMESPACE }))
    : undefined;
  if (back) throw new Error(`${describeResource(resource)} was created again right after its deletion (is an agent with that name still running?)`);
}

async function removePod(target: Target, runId: string, pod: { namespace: string; name: string }, waits: Waits): Promise<RemovalOutcome> {
  try {
    const found = await target.cluster.core.readNamespacedPod(pod);
    if (!podCarriesMark(found, runId)) return 'not ours, left alone';
  } catch (error) {
    if (isNotFound(error)) return 'already gone';
    throw error;
  }
  await deletePodAndWait(target.cluster, pod, waits.deadline('pod', `pod ${pod.namespace}/${pod.name} deleted`));
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

async function removeContainer(target: Target, runId: string, container: { vmid: number; hostname: string }, waits: Waits, evidence: Evidence): Promise<RemovalOutcome> {
  const status = await target.proxmox.containerStatus(container.vmid);
  if (!status) return 'already gone';
  if (!containerCarriesMark(await target.proxmox.containerConfig(container.vmid), runId)) return 'not ours, left alone';
  await destroyContainer(target.proxmox, container.vmid, status.status === 'running', waits, evidence);
  return 'removed';
}

/** What an operator runs to remove resources kept for inspection, in the order removal takes. */
export function removalInstructions(resources: TrackedResource[]): string {
  return [...resources]
    .reverse()
    .sort((a, b) => REMOVAL_ORDER[a.kind] - REMOVAL_ORDER[b.kind])
    .map((resource) => {
      switch (resource.kind) {
        case 'pod': return `kubectl -n ${resource.namespace} delete pod ${resource.name} --ignore-not-found`;
        case 'node': return `kubectl delete node ${resource.name} --ignore-not-found`;
        case 'node-password-secret': return `kubectl -n ${NODE_PASSWORD_NAMESPACE} delete secret ${resource.name} --ignore-not-found`;
        case 'container': return `pct stop ${resource.vmid}; pct destroy ${resource.vmid} --purge   # on the Proxmox host`;
      }
    })
    .join('\n');
}
