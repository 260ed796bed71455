import { InfrastructureError } from '../errors';
import { WorkerSpec } from '../spec/worker-spec';
import { Evidence } from './evidence';
import { Target } from './target';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/**
 * "Proxmox host is running with available resources": the node is online and has the cores, free memory and free
 * storage the worker asks for. A worker that already exists holds its resources, so it is not counted twice.
 */
export async function requireCapacity(target: Target, spec: WorkerSpec, evidence: Evidence): Promise<void> {
  const { proxmox } = target;
  const [usage, storages, existing, version] = await Promise.all([
    proxmox.nodeUsage(),
    proxmox.storages(),
    proxmox.containerStatus(spec.vmid),
    proxmox.version(),
  ]);
  const storage = storages.find((candidate) => candidate.storage === spec.storage);
  evidence.attach(
    `Proxmox node ${proxmox.node}`,
    [
      `pve-manager ${version.version}, status ${usage.status}`,
      `cores ${usage.maxcpu}, memory ${Math.round(usage.mem / MIB)} of ${Math.round(usage.maxmem / MIB)} MiB used`,
      ...storages.map((entry) => `storage ${entry.storage}: ${entry.active ? 'active' : 'inactive'}, ${(entry.avail / GIB).toFixed(1)} GiB free`),
    ].join('\n'),
  );
  const problems: string[] = [];
  if (usage.status !== 'online') problems.push(`node ${proxmox.node} is ${usage.status}`);
  if (usage.maxcpu < spec.cores) problems.push(`node has ${usage.maxcpu} cores, the worker asks for ${spec.cores}`);
  if (!storage) problems.push(`storage "${spec.storage}" does not exist on node ${proxmox.node} (it has ${storages.map((s) => s.storage).join(', ')})`);
  else if (!storage.active) problems.push(`storage "${spec.storage}" is not active`);
  if (!existing) {
    const freeMiB = (usage.maxmem - usage.mem) / MIB;
    if (freeMiB < spec.memoryMiB) problems.push(`node has ${Math.floor(freeMiB)} MiB memory free, the worker asks for ${spec.memoryMiB} MiB`);
    if (storage && storage.avail < spec.diskGiB * GIB) problems.push(`storage "${spec.storage}" has ${(storage.avail / GIB).toFixed(1)} GiB free, the worker asks for ${spec.diskGiB} GiB`);
  }
  if (problems.length) {
    throw new InfrastructureError('proxmox', `Proxmox node ${proxmox.node} cannot host the worker: ${problems.join('; ')}. Free resources or choose smaller sizes.`);
  }
}
