import { ResourceTracker, TrackedResource } from '../cleanup/cleanup-ledger';
import { NODE_PASSWORD_NAMESPACE, nodePasswordSecretName } from '../k3s/node-password';
import { unlessNotFound } from '../kube/cluster-client';
import { evictPodAndWait } from '../kube/pod-deletion';
import { destroyContainer } from '../proxmox/destroy-container';
import type { WorkContext } from './work-context';

/**
 * Removes a worker the k3s way, so the same hostname can join again: cordon it, drain it (its pods are evicted through
 * the Eviction API, so PodDisruptionBudgets hold; DaemonSet pods would come back and are left, as
 * `kubectl drain --ignore-daemonsets` does), stop and destroy the
 * container with its disks, and only then delete the Node and its node-password secret, which the agent would
 * otherwise recreate while it lives (systemd restarts it). Both are checked to stay gone.
 */
export async function removeWorkerTheK3sWay(ctx: WorkContext, worker: { vmid: number; hostname: string; ip: string }, tracker: ResourceTracker = ctx.tracker): Promise<void> {
  const { target, waits, evidence } = ctx;
  const core = target.cluster.core;
  const node = await unlessNotFound(core.readNode({ name: worker.hostname }));
  if (node) {
    // client-node sends a JSON Patch by default: what `kubectl cordon` changes, one field.
    await core.patchNode({ name: worker.hostname, body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    const pods = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${worker.hostname}` })).items;
    const drained = pods.filter((pod) => !pod.metadata?.ownerReferences?.some((owner) => owner.kind === 'DaemonSet'));
    for (const pod of drained) {
      const ref = { namespace: pod.metadata!.namespace!, name: pod.metadata!.name! };
      await evictPodAndWait(target.cluster, ref, waits.deadline('pod', `pod ${ref.namespace}/${ref.name} drained`));
    }
    evidence.note(`cordoned and drained ${worker.hostname} (${drained.length} pod(s) evicted)`);
  }
  const host = await target.nodeOf(worker.vmid);
  const status = await host?.proxmox.containerStatus(worker.vmid);
  if (host && status) await destroyContainer(host.proxmox, worker.vmid, status.status === 'running', waits, evidence);
  tracker.removed({ kind: 'container', vmid: worker.vmid, hostname: worker.hostname });
  const secret: TrackedResource = { kind: 'node-password-secret', name: nodePasswordSecretName(worker.hostname) };
  await unlessNotFound(core.deleteNode({ name: worker.hostname }));
  await unlessNotFound(core.deleteNamespacedSecret({ name: secret.name, namespace: NODE_PASSWORD_NAMESPACE }));
  const [nodeBack, secretBack] = await Promise.all([
    unlessNotFound(core.readNode({ name: worker.hostname })),
    unlessNotFound(core.readNamespacedSecret({ name: secret.name, namespace: NODE_PASSWORD_NAMESPACE })),
  ]);
  if (nodeBack || secretBack) {
    throw new Error(`${nodeBack ? `node ${worker.hostname}` : `secret ${secret.name}`} came back after ${worker.hostname} was removed: another machine with that hostname is joining the cluster`);
  }
  tracker.removed({ kind: 'node', name: worker.hostname, ip: worker.ip });
  tracker.removed(secret);
}
