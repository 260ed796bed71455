import { InfrastructureError } from '../errors';
import type { Evidence } from '../report/evidence';
import { WorkerSpec } from '../spec/worker-spec';
import type { Target } from '../target/target';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** One thing the node lacks, and the table row that asks for it. */
export interface Shortfall {
  field: 'cores' | 'memory' | 'disk' | 'node' | 'storage';
  text: string;
}

/** The node's capacity as Proxmox reports it, and what stops it from hosting the worker (empty: it can). */
export interface CapacityReading {
  /** What the reader sees: version, cores, memory and storages. */
  report: string;
  shortfalls: Shortfall[];
}

/**
 * "Proxmox host is running with available resources": the node is online and has the cores, free memory and free
 * storage the worker asks for. A worker that already exists holds its resources, so it is not counted twice.
 */
export async function readCapacity(target: Target, spec: WorkerSpec): Promise<CapacityReading> {
  const { proxmox } = target;
  const [usage, storages, existing, version] = await Promise.all([
    proxmox.nodeUsage(),
    proxmox.storages(),
    proxmox.containerStatus(spec.vmid),
    proxmox.version(),
  ]);
  const storage = storages.find((candidate) => candidate.storage === spec.storage);
  const report = [
    `pve-manager ${version.version}, status ${usage.status}`,
    `cores ${usage.maxcpu}, memory ${Math.round(usage.mem / MIB)} of ${Math.round(usage.maxmem / MIB)} MiB used`,
    ...storages.map((entry) => `storage ${entry.storage}: ${entry.active ? 'active' : 'inactive'}, ${(entry.avail / GIB).toFixed(1)} GiB free`),
  ].join('\n');
  const shortfalls: Shortfall[] = [];
  const lack = (field: Shortfall['field'], text: string) => shortfalls.push({ field, text });
  if (usage.status !== 'online') lack('node', `node ${proxmox.node} is ${usage.status}`);
  if (usage.maxcpu < spec.cores) lack('cores', `node ${proxmox.node} has ${usage.maxcpu} cores, the worker asks for ${spec.cores}`);
  if (storage && !storage.active) lack('storage', `storage "${spec.storage}" is not active`);
  if (!existing) {
    const freeMiB = (usage.maxmem - usage.mem) / MIB;
    if (freeMiB < spec.memoryMiB) lack('memory', `node ${proxmox.node} has ${Math.floor(freeMiB)} MiB memory free, the worker asks for ${spec.memoryMiB} MiB`);
    if (storage && storage.avail < spec.diskGiB * GIB) lack('disk', `storage "${spec.storage}" has ${(storage.avail / GIB).toFixed(1)} GiB free, the worker asks for ${spec.diskGiB} GiB`);
  }
  return { report, shortfalls };
}

/** AC1's Given: the capacity as read now, attached; a node that can no longer host the worker fails here. */
export async function requireCapacity(target: Target, spec: WorkerSpec, evidence: Evidence): Promise<void> {
  const reading = await readCapacity(target, spec);
  evidence.attach(`Proxmox node ${target.proxmox.node}`, reading.report);
  if (reading.shortfalls.length) {
    const lacks = reading.shortfalls.map((shortfall) => shortfall.text).join('; ');
    throw new InfrastructureError('proxmox', `Proxmox node ${target.proxmox.node} cannot host the worker: ${lacks}. Free resources or choose smaller sizes.`);
  }
}
