const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** What GET /nodes reports of a node's size and load (maxcpu, maxmem, mem) and how big its local-lvm is. */
export interface NodeCapacity {
  /** Logical CPUs (`maxcpu`). */
  cpus: number;
  /** Total memory in bytes (`maxmem`). */
  memoryBytes: number;
  /** Memory in use in bytes (`mem`): free is memoryBytes - memoryUsedBytes. */
  memoryUsedBytes: number;
  /** local-lvm's size and what is used of it, in bytes. */
  localLvmBytes: number;
  localLvmUsedBytes: number;
}

/** What an operator may set per node: CPUs, free memory, free space on local-lvm. */
export interface NodeCapacityRequest {
  cpus?: number;
  freeMemoryBytes?: number;
  freeDiskBytes?: number;
}

/**
 * Defaults by the node's place in the lab: the standalone `pve` (and pve1) a 16-core, 64 GiB host with 55 GiB free;
 * in a cluster pve2 is smaller (8 cores, 26 GiB free) and pve3 too busy for the story's 8 GiB worker (4 cores,
 * 4 GiB free); further nodes repeat the pattern, so free capacity differs from node to node.
 */
const SHAPES = [
  { cpus: 16, memoryGiB: 64, usedGiB: 9 },
  { cpus: 8, memoryGiB: 32, usedGiB: 6 },
  { cpus: 4, memoryGiB: 16, usedGiB: 12 },
];
const LOCAL_LVM_BYTES = 800 * GiB;

export function defaultCapacity(index: number): NodeCapacity {
  const shape = SHAPES[index % SHAPES.length];
  return {
    cpus: shape.cpus,
    memoryBytes: shape.memoryGiB * GiB,
    memoryUsedBytes: shape.usedGiB * GiB,
    localLvmBytes: LOCAL_LVM_BYTES,
    localLvmUsedBytes: Math.round(LOCAL_LVM_BYTES * 0.12),
  };
}

/** A default capacity with what the operator asked for: the total grows only when the free part would not fit. */
export function withRequest(base: NodeCapacity, request: NodeCapacityRequest): NodeCapacity {
  const result = { ...base };
  if (request.cpus !== undefined) result.cpus = request.cpus;
  if (request.freeMemoryBytes !== undefined) {
    result.memoryBytes = Math.max(base.memoryBytes, request.freeMemoryBytes + GiB);
    result.memoryUsedBytes = result.memoryBytes - request.freeMemoryBytes;
  }
  if (request.freeDiskBytes !== undefined) {
    result.localLvmBytes = Math.max(base.localLvmBytes, request.freeDiskBytes + GiB);
    result.localLvmUsedBytes = result.localLvmBytes - request.freeDiskBytes;
  }
  return result;
}

const SIZE = /^(\d+)(MB|GB|TB)$/;
const UNIT = { MB: MiB, GB: GiB, TB: 1024 * GiB } as const;

/**
 * `pve1=2cpu,4GB` (CPUs, free memory) or `pve2=8cpu,16GB,200GBdisk` (and free space on local-lvm); several nodes'
 * entries may follow each other, separated by commas or spaces: `pve1=2cpu,4GB,pve2=8cpu`. Sizes are the story's:
 * a whole number and MB, GB or TB, binary as Proxmox counts (4GB = 4096 MiB). Throws with what was wrong.
 */
export function parseNodeCapacities(text: string): Map<string, NodeCapacityRequest> {
  const result = new Map<string, NodeCapacityRequest>();
  let current: NodeCapacityRequest | undefined;
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const named = part.match(/^([a-zA-Z0-9][a-zA-Z0-9-]*)=(.*)$/);
    let item = part;
    if (named) {
      current = {};
      result.set(named[1], current);
      item = named[2];
      if (item === '') continue;
    }
    if (!current) throw new Error(`"${part}" does not say which node it is for (write NODE=2cpu,4GB)`);
    readItem(item, current);
  }
  if (!result.size) throw new Error('no node named (write NODE=2cpu,4GB)');
  return result;
}

function readItem(item: string, into: NodeCapacityRequest): void {
  const cpus = item.match(/^(\d+)cpus?$/);
  if (cpus && Number(cpus[1]) >= 1) return void (into.cpus = Number(cpus[1]));
  const disk = item.match(/^(.+)disk$/);
  const size = (disk ? disk[1] : item).match(SIZE);
  if (!size) throw new Error(`"${item}" is neither CPUs (2cpu), free memory (4GB) nor free disk (200GBdisk)`);
  const bytes = Number(size[1]) * UNIT[size[2] as keyof typeof UNIT];
  if (disk) into.freeDiskBytes = bytes;
  else into.freeMemoryBytes = bytes;
}
