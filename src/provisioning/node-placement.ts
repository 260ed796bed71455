import type { NodeEntry } from '../proxmox/proxmox-node-client';
import type { WorkerSpec } from '../spec/worker-spec';
import type { Target } from '../target/target';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** The node a worker is built on, and why, in the words the report shows. */
export interface NodePlacement {
  node: string;
  why: string;
  /** One line per node considered, for the report. */
  considered: string[];
  /** True when no node had all the worker needs: the node named is the closest, for the preflight's messages. */
  unfit?: boolean;
}

/**
 * Where the worker goes. A container already at the VMID decides it (its node); so does PROXMOX_VE_NODE. Otherwise
 * every online node is read — free cores and memory (GET /nodes, with Sys.Audit), the storage and the template,
 * the bridge, and whether the run can reach its root shell — and the node with the most free memory among those
 * that have everything is chosen (the scheduler's least-allocated rule; ties by name, so runs are repeatable).
 * GET /nodes comes in no stable order in a cluster, so nothing depends on it.
 */
export async function placeWorker(target: Target, spec: WorkerSpec): Promise<NodePlacement> {
  const existing = await target.proxmox.locate(spec.vmid);
  if (existing) return { node: existing.node, why: `VMID ${spec.vmid} is already on node ${existing.node}`, considered: [] };
  const chosen = target.build.proxmox.node;
  if (chosen) return { node: chosen, why: 'PROXMOX_VE_NODE names it', considered: [] };
  const nodes = (await target.proxmox.nodes()).sort((a, b) => a.node.localeCompare(b.node));
  const verdicts = await Promise.all(nodes.map(async (entry) => ({ entry, lacks: await whatNodeLacks(target, entry, spec) })));
  const considered = verdicts.map(({ entry, lacks }) => `${entry.node}: ${lacks.length ? lacks.join('; ') : `fits (${describeRoom(entry)})`}`);
  const fitting = verdicts.filter(({ lacks }) => lacks.length === 0).sort((a, b) => freeMemory(b.entry) - freeMemory(a.entry));
  if (fitting.length) {
    const best = fitting[0].entry;
    const others = fitting.length > 1 ? `, the most free memory of the ${fitting.length} nodes that fit` : verdicts.length > 1 ? ', the only node that fits' : '';
    return { node: best.node, why: `it has all the worker needs (${describeRoom(best)}${others})`, considered };
  }
  const closest = [...verdicts].sort((a, b) => a.lacks.length - b.lacks.length || freeMemory(b.entry) - freeMemory(a.entry))[0];
  if (!closest) return { node: target.proxmox.node, why: 'the API lists no node', considered, unfit: true };
  return { node: closest.entry.node, why: 'no node has all the worker needs; the closest one', considered, unfit: true };
}

/** What keeps `entry` from hosting the worker, in the operator's words; empty when it can. */
async function whatNodeLacks(target: Target, entry: NodeEntry, spec: WorkerSpec): Promise<string[]> {
  if (entry.status !== 'online') return [`is ${entry.status}`];
  const node = target.node(entry.node).proxmox;
  const templateStorage = spec.template.split(':')[0];
  const [storages, templates, bridges, reachable] = await Promise.all([
    node.storages().catch(() => [] as Awaited<ReturnType<typeof node.storages>>),
    node.templates(templateStorage).catch(() => [] as string[]),
    node.bridges().catch(() => undefined),
    target.nodes.canReach(entry.node),
  ]);
  const lacks: string[] = [];
  if (entry.maxcpu === undefined || entry.maxmem === undefined || entry.mem === undefined) lacks.push('its free cores and memory cannot be read (the token lacks Sys.Audit on it)');
  else {
    if (entry.maxcpu < spec.cores) lacks.push(`${entry.maxcpu} cores, the worker asks for ${spec.cores}`);
    if (freeMemory(entry) < spec.memoryMiB * MIB) lacks.push(`${Math.floor(freeMemory(entry) / MIB)} MiB memory free, the worker asks for ${spec.memoryMiB} MiB`);
  }
  const storage = storages.find((candidate) => candidate.storage === spec.storage);
  if (!storage) lacks.push(`no storage "${spec.storage}"`);
  else if (storage.avail < spec.diskGiB * GIB) lacks.push(`storage "${spec.storage}" has ${(storage.avail / GIB).toFixed(1)} GiB free`);
  if (!templates.includes(spec.template)) lacks.push(`no template ${spec.template.split('/').pop()}`);
  if (bridges && !bridges.includes(spec.bridge)) lacks.push(`no bridge ${spec.bridge}`);
  if (!reachable) lacks.push('no SSH for its root shell (PROXMOX_VE_SSH_NODE_<NAME>_ADDRESS)');
  return lacks;
}

function freeMemory(entry: NodeEntry): number {
  return (entry.maxmem ?? 0) - (entry.mem ?? 0);
}

function describeRoom(entry: NodeEntry): string {
  return `${entry.maxcpu} cores, ${(freeMemory(entry) / GIB).toFixed(1)} GiB memory free`;
}
