import { InfrastructureError } from '../errors';
import type { Evidence } from '../report/evidence';
import { WorkerSpec } from '../spec/worker-spec';
import type { NodeAccess } from '../target/node-access';

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
 * Figures the token may not read (GET /nodes leaves them out without Sys.Audit) are a shortfall of their own, never
 * compared as NaN.
 */
export async function readCapacity(node: NodeAccess, spec: WorkerSpec): Promise<CapacityReading> {
  const { proxmox } = node;
  const [usage, storages, existing, version] = await Promise.all([
    proxmox.nodeUsage(),
    proxmox.storages(),
    proxmox.containerStatus(spec.vmid),
    proxmox.version(),
  ]);
  const storage = storages.find((candidate) => candidate.storage === spec.storage);
  const { maxcpu, maxmem, mem } = usage;
  const readable = maxcpu !== undefined && maxmem !== undefined && mem !== undefined;
  const report = [
    `node ${node.name}: pve-manager ${version.version}, status ${usage.status}`,
    readable ? `cores ${maxcpu}, memory ${Math.round(mem / MIB)} of ${Math.round(maxmem / MIB)} MiB used` : 'cores and memory: not readable with this token (Sys.Audit)',
    ...storages.map((entry) => `storage ${entry.storage}: ${entry.active ? 'active' : 'inactive'}, ${(entry.avail / GIB).toFixed(1)} GiB free`),
  ].join('\n');
  const shortfalls: Shortfall[] = [];
  const lack = (field: Shortfall['field'], text: string) => shortfalls.push({ field, text });
  if (usage.status !== 'online') lack('node', `node ${node.name} is ${usage.status}`);
  if (!readable) lack('node', `node ${node.name}'s free cores and memory cannot be read: GET /nodes leaves them out for a token without Sys.Audit on /nodes/${node.name}`);
  if (readable && maxcpu < spec.cores) lack('cores', `node ${node.name} has ${maxcpu} cores, the worker asks for ${spec.cores}`);
  if (storage && !storage.active) lack('storage', `storage "${spec.storage}" is not active`);
  if (!existing) {
    const freeMiB = readable ? (maxmem - mem) / MIB : Number.POSITIVE_INFINITY;
    if (freeMiB < spec.memoryMiB) lack('memory', `node ${node.name} has ${Math.floor(freeMiB)} MiB memory free, the worker asks for ${spec.memoryMiB} MiB`);
    if (storage && storage.avail < spec.diskGiB * GIB) lack('disk', `storage "${spec.storage}" has ${(storage.avail / GIB).toFixed(1)} GiB free, the worker asks for ${spec.diskGiB} GiB`);
  }
  return { report, shortfalls };
}

/** AC1's Given: the capacity as read now, attached; a node that can no longer host the worker fails here. */
export async function requireCapacity(node: NodeAccess, spec: WorkerSpec, evidence: Evidence): Promise<void> {
  const reading = await readCapacity(node, spec);
  evidence.attach(`Proxmox node ${node.name}`, reading.report);
  if (reading.shortfalls.length) {
    const lacks = reading.shortfalls.map((shortfall) => shortfall.text).join('; ');
    throw new InfrastructureError('proxmox', `Proxmox node ${node.name} cannot host the worker: ${lacks}. Free resources or choose smaller sizes.`);
  }
}
