import { ResourceTracker, TrackedResource } from '../cleanup/cleanup-ledger';
import { unlessNotFound } from '../kube/cluster-client';
import { suiteTimeouts } from '../waiting/suite-timeouts';
import { destroyContainer } from './destroy-container';
import { Evidence } from './evidence';
import { Target } from './target';
import { removeTestPod } from './test-pod';

/**
 * Removes a worker the k3s way, so the same hostname can join again: cordon it, drain it (its pods are deleted;
 * DaemonSet pods would come back and are left, as `kubectl drain --ignore-daemonsets` does), delete the Node and its
 * node-password secret, then stop and destroy the container with its disks and wait for the task.
 */
export async function removeWorkerTheK3sWay(target: Target, worker: { vmid: number; hostname: string; ip: string }, tracker: ResourceTracker, evidence: Evidence): Promise<void> {
  const core = target.cluster.core;
  const node = await unlessNotFound(core.readNode({ name: worker.hostname }));
  if (node) {
    // client-node sends a JSON Patch by default: what `kubectl cordon` changes, one field.
    await core.patchNode({ name: worker.hostname, body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    const pods = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${worker.hostname}` })).items;
    const drained = pods.filter((pod) => !pod.metadata?.ownerReferences?.some((owner) => owner.kind === 'DaemonSet'));
    for (const pod of drained) await removeTestPod(target.cluster, { namespace: pod.metadata!.namespace!, name: pod.metadata!.name! });
    evidence.note(`cordoned and drained ${worker.hostname} (${drained.length} pod(s))`);
    await unlessNotFound(core.deleteNode({ name: worker.hostname }));
  }
  const secret: TrackedResource = { kind: 'node-password-secret', name: `${worker.hostname}.node-password.k3s` };
  await unlessNotFound(core.deleteNamespacedSecret({ name: secret.name, namespace: 'kube-system' }));
  tracker.removed({ kind: 'node', name: worker.hostname, ip: worker.ip });
  tracker.removed(secret);
  const status = await target.proxmox.containerStatus(worker.vmid);
  if (status) await destroyContainer(target, worker.vmid, status.status === 'running', suiteTimeouts.get('task'), evidence);
  tracker.removed({ kind: 'container', vmid: worker.vmid, hostname: worker.hostname });
}

