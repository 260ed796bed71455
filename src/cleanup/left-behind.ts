import { unlessNotFound } from '../kube/cluster-client';
import type { Target } from '../provisioning/target';
import { CleanupLedger, describeResource, TrackedResource } from './cleanup-ledger';
import { SUITE_TAG } from '../provisioning/lxc-parameters';

/**
 * What a run announced, did not keep as its result (a worker that reached Ready), and still exists with the run's mark
 * on it: the proof that cleanup left nothing. A resource
 * under the same name that is not the run's (another operator's container at the VMID) does not count.
 */
export async function leftBehind(target: Target, ledger: CleanupLedger): Promise<string[]> {
  const remaining: string[] = [];
  for (const resource of ledger.notKept()) {
    if (await stillThere(target, ledger.run.runId, resource)) remaining.push(describeResource(resource));
  }
  return remaining;
}

async function stillThere(target: Target, runId: string, resource: TrackedResource): Promise<boolean> {
  const core = target.cluster.core;
  switch (resource.kind) {
    case 'pod': return (await unlessNotFound(core.readNamespacedPod(resource)))?.metadata?.labels?.['k3s-acceptance/run'] === runId;
    case 'node': return (await unlessNotFound(core.readNode({ name: resource.name })))?.status?.addresses?.some((address) => address.address === resource.ip) ?? false;
    case 'node-password-secret': return (await unlessNotFound(core.readNamespacedSecret({ name: resource.name, namespace: 'kube-system' }))) !== undefined;
    case 'container': {
      if (!(await target.proxmox.containerStatus(resource.vmid))) return false;
      const config = await target.proxmox.containerConfig(resource.vmid);
      return String(config.tags ?? '').split(/[;, ]/).includes(SUITE_TAG) && String(config.description ?? '').includes(`(run ${runId})`);
    }
  }
}
