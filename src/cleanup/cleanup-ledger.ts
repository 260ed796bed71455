import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Something the suite creates and must be able to remove again, named as the operator would name it. */
export type TrackedResource =
  | { kind: 'container'; vmid: number; hostname: string }
  | { kind: 'node'; name: string; ip: string }
  | { kind: 'node-password-secret'; name: string }
  | { kind: 'pod'; namespace: string; name: string };

/** Where code that creates things says so: before creating, when removed, when kept as the result. */
export interface ResourceTracker {
  intend(resource: TrackedResource): void;
  removed(resource: TrackedResource): void;
  kept(resource: TrackedResource): void;
}

/** For callers that clean up themselves (unit tests of one task). */
export const untracked: ResourceTracker = { intend: () => {}, removed: () => {}, kept: () => {} };

/** One line of a run's ledger file. */
export interface LedgerRecord {
  at: string;
  event: 'intent' | 'removed' | 'kept';
  resource: TrackedResource;
}

/** The header line of a run's ledger file: who wrote it, against which systems. */
export interface LedgerRun {
  runId: string;
  pid: number;
  host: string;
  /** Identifies the Proxmox node and cluster; leftovers are only ever swept on the same target. */
  target: string;
  startedAt: string;
}

export function describeResource(resource: TrackedResource): string {
  switch (resource.kind) {
    case 'container': return `CT ${resource.vmid} (${resource.hostname})`;
    case 'node': return `Node ${resource.name}`;
    case 'node-password-secret': return `Secret kube-system/${resource.name}`;
    case 'pod': return `Pod ${resource.namespace}/${resource.name}`;
  }
}

export function sameResource(a: TrackedResource, b: TrackedResource): boolean {
  return describeResource(a) === describeResource(b);
}

/**
 * What a run is about to create, written to disk before it is created: one JSON-lines file per run, appended
 * synchronously, so a crash at any point leaves a record the next run can act on. A resource is open from its intent
 * until it is removed, or kept as the story's result (a worker that reached Ready). The file goes when nothing is
 * open; the next run on the same target sweeps files whose process is gone.
 */
export class CleanupLedger implements ResourceTracker {
  readonly file: string;
  private records: LedgerRecord[] = [];

  constructor(
    readonly dir: string,
    readonly run: LedgerRun,
  ) {
    this.file = join(dir, `${run.runId}.jsonl`);
  }

  /** Records the intent to create `resource`; call it before the create request. */
  intend(resource: TrackedResource): void {
    if (this.open().some((open) => sameResource(open, resource))) return;
    this.append({ at: new Date().toISOString(), event: 'intent', resource });
  }

  removed(resource: TrackedResource): void {
    this.close(resource, 'removed');
  }

  /** The resource is the run's result, not debris: it stays and is no longer tracked. */
  kept(resource: TrackedResource): void {
    this.close(resource, 'kept');
  }

  /** Resources intended and not yet removed or kept, oldest first. */
  open(): TrackedResource[] {
    return openResources(this.records);
  }

  /** Everything the run announced and did not keep as its result, settled or not, for a check that nothing is left. */
  notKept(): TrackedResource[] {
    const all: TrackedResource[] = [];
    for (const record of this.records) if (record.event === 'intent' && !all.some((seen) => sameResource(seen, record.resource))) all.push(record.resource);
    const kept = this.records.filter((record) => record.event === 'kept').map((record) => record.resource);
    return all.filter((resource) => !kept.some((result) => sameResource(result, resource)));
  }

  /** Forgets the run's file once nothing is open, so only runs with debris leave a file behind. */
  finish(): void {
    if (this.open().length === 0) rmSync(this.file, { force: true });
  }

  private close(resource: TrackedResource, event: 'removed' | 'kept'): void {
    if (!this.open().some((open) => sameResource(open, resource))) return;
    this.append({ at: new Date().toISOString(), event, resource });
  }

  private append(record: LedgerRecord): void {
    if (this.records.length === 0) {
      mkdirSync(this.dir, { recursive: true });
      appendFileSync(this.file, `${JSON.stringify(this.run)}\n`, { mode: 0o600 });
    }
    this.records.push(record);
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }
}

function openResources(records: LedgerRecord[]): TrackedResource[] {
  const open: TrackedResource[] = [];
  for (const record of records) {
    const index = open.findIndex((resource) => sameResource(resource, record.resource));
    if (record.event === 'intent' && index < 0) open.push(record.resource);
    if (record.event !== 'intent' && index >= 0) open.splice(index, 1);
  }
  return open;
}


/** A ledger file as written: its run header and the resources still open. */
export interface LedgerFile {
  file: string;
  run: LedgerRun;
  open: TrackedResource[];
}

/** Every ledger in `dir`. A torn last line from a crash mid-write is ignored. */
export function readLedgerFiles(dir: string): LedgerFile[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.jsonl'));
  } catch {
    return [];
  }
  const ledgers: LedgerFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const [header, ...lines] = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const run = parseLine<LedgerRun>(header);
    if (!run?.runId) continue;
    const records = lines.map((line) => parseLine<LedgerRecord>(line)).filter((record): record is LedgerRecord => record !== undefined);
    ledgers.push({ file, run, open: openResources(records) });
  }
  return ledgers;
}

/** A crashed run's ledger, read back by a later run. */
export type Leftover = LedgerFile;

/** Ledgers left by runs on `target` whose process is gone (a run still going, say a parallel worker, is never swept). */
export function findLeftovers(dir: string, target: string, isAlive: (pid: number) => boolean = processAlive): Leftover[] {
  return readLedgerFiles(dir).filter(({ run }) => run.target === target && !(run.host === hostname() && isAlive(run.pid)));
}

/** Writes the outcome of a sweep into a leftover's own file, so a sweep interrupted in turn loses nothing. */
export function recordSwept(leftover: Leftover, resource: TrackedResource): void {
  appendFileSync(leftover.file, `${JSON.stringify({ at: new Date().toISOString(), event: 'removed', resource } satisfies LedgerRecord)}\n`);
}

export function newLedgerRun(runId: string, target: string): LedgerRun {
  return { runId, pid: process.pid, host: hostname(), target, startedAt: new Date().toISOString() };
}

function parseLine<T>(line: string | undefined): T | undefined {
  try {
    return line ? (JSON.parse(line) as T) : undefined;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
