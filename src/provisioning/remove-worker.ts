import { isNotFound, kubernetesErrorMessage } from '../kube/cluster-client';
import { runTask } from '../proxmox/run-task';
import { Deadline } from '../waiting/deadline';
import { Evidence } from './evidence';
import { Target } from './target';

const TASK_TIMEOUT_MS = 5 * 60_000;

/**
 * Removes a worker the k3s way, so the same hostname can join again later: its Node and node-password secret, then
 * the container (stopped, destroyed with its disks). Each part that is already gone is skipped.
 */
export async function removeWorker(target: Target, worker: { vmid: number; hostname: string }, evidence: Evidence): Promise<void> {
  for (const remove of [
    () => target.cluster.core.deleteNode({ name: worker.hostname }),
    () => target.cluster.core.deleteNamespacedSecret({ name: `${worker.hostname}.node-password.k3s`, namespace: 'kube-system' }),
  ]) {
    try {
      await remove();
    } catch (error) {
      if (!isNotFound(error)) evidence.note(`cleanup: ${kubernetesErrorMessage(error)}`);
    }
  }
  const status = await target.proxmox.containerStatus(worker.vmid);
  if (!status) return;
  const retrying = (message: string) => evidence.note(message);
  if (status.status === 'running') {
    await runTask(target.proxmox, () => target.proxmox.stopContainer(worker.vmid), new Deadline(`CT ${worker.vmid} stop`, TASK_TIMEOUT_MS), retrying);
  }
  const destroyed = await runTask(target.proxmox, () => target.proxmox.destroyContainer(worker.vmid), new Deadline(`CT ${worker.vmid} destroy`, TASK_TIMEOUT_MS), retrying);
  evidence.attach(`Proxmox task log: destroy CT ${worker.vmid}`, destroyed.log.join('\n'));
}

/** What an operator runs to remove a worker kept for inspection. */
export function removalInstructions(worker: { vmid: number; hostname: string }): string {
  return [
    `kubectl delete node ${worker.hostname} --ignore-not-found`,
    `kubectl -n kube-system delete secret ${worker.hostname}.node-password.k3s --ignore-not-found`,
    `pct stop ${worker.vmid}; pct destroy ${worker.vmid} --purge   # on the Proxmox host`,
  ].join('\n');
}
