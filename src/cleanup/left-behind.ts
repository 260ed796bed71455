import { unlessNotFound } from '../kube/cluster-client';
import type { Target } from '../target/target';
import { CleanupLedger, describeResource, TrackedResource } from './cleanup-ledger';
import { containerCarriesMark, nodeAt, podCarriesMark } from './run-mark';

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
    case 'pod': {
      const pod = await unlessNotFound(core.readNamespacedPod(resource));
      return pod !== undefined && podCarriesMark(pod, runId);
    }
    case 'node': {
      const node = await unlessNotFound(core.readNode({ name: resource.name }));
      return node !== undefined && nodeAt(node, resource.ip);
    }
    case 'node-password-secret': return (await unlessNotFound(core.readNamespacedSecret({ name: resource.name, namespace: 'kube-system' }))) !== undefined;
    case 'container': {
      if (!(await target.proxmox.containerStatus(resource.vmid))) return false;
      return containerCarriesMark(await target.proxmox.containerConfig(resource.vmid), runId);
    }
  }
}
