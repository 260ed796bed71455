/**
 * Faults a test can arm on a running node. Each arming fires once (or `count` times) and the node then behaves
 * normally again; nothing fires unless armed. Arming and what a fault does on its own count as no writes.
 * See LIMITATIONS.md, "Faults".
 */
export interface ProxmoxFaults {
  /**
   * The next `count` attempts to take CT `vmid`'s config lock (`/run/lock/lxc/pve-config-<vmid>.lock`) time out
   * after the scaled lock timeout, with the real text. Where the attempt happens decides how it surfaces: a sync
   * 500 for PUT config and for create's reservation (`unable to create CT <vmid> - ...`), a task error for
   * start/stop/shutdown/destroy and the vzcreate worker. `'next-create'` means the VMID of the next create request,
   * whatever it is (bound when that request arrives).
   */
  lockTimeouts(vmid: number | 'next-create', count?: number): void;
  /**
   * The next task of `type` (vzcreate, vzstart, vzstop, vzshutdown, vzdestroy, vzreboot) fails at once with
   * exitstatus `message`, doing nothing; a failed vzcreate removes its reserved config as a real one does.
   */
  failNextTask(type: string, message: string): void;
  /**
   * The next task of `type` does its work and then logs the given `WARN:` lines (or N generic ones), ending
   * `TASK WARNINGS: N` with exitstatus `WARNINGS: N`.
   */
  warnNextTask(type: string, warnings: number | string[]): void;
  /**
   * pveproxy stops: the API port refuses new connections (ECONNREFUSED) and open ones are cut. Resolves once the
   * port is closed.
   */
  apiDown(): Promise<void>;
  /** pveproxy starts again on the same port (apiPort and apiUrl stay valid). Resolves once it listens. */
  apiUp(): Promise<void>;
  /** Every API answer is held back `delayMs` real milliseconds (not scaled) until clear() or apiSlow(0). */
  apiSlow(delayMs: number): void;
  /**
   * The API presents a newly issued pve-ssl.pem (new key, same CA and names) from now on, as after a reinstall or
   * to a man in the middle; open connections are cut so the next request handshakes again. Resolves with the new
   * SHA-256 fingerprint, 'AA:BB:...'. clear() does not undo it.
   */
  replaceTlsCertificate(): Promise<string>;
  /**
   * The next create request finds its VMID taken by a stopped CT named `hostname` that another operator created a
   * moment before (a real config and guest), so it fails as PVE answers a create for a VMID in use.
   */
  vmidTakenOnNextCreate(hostname?: string): void;
  /** The storage leaves storage.cfg: no longer listed, and naming it fails with `storage 'x' does not exist`. */
  removeStorage(storageId: string): void;
  /** The template (`local:vztmpl/...`) is no longer on its storage: a create naming it fails in the vzcreate task. */
  removeTemplate(volid: string): void;
  /**
   * Disarms everything not yet fired, brings the API back up, answers at normal speed and puts removed storages
   * and templates back. A replaced certificate stays replaced.
   */
  clear(): Promise<void>;
}

export type TaskFault = { kind: 'fail'; message: string } | { kind: 'warn'; warnings: string[] };

/** What the plan needs from the running API server (pveproxy) to stop, start and re-key it. */
export interface ApiServerSwitch {
  stopListening(): Promise<void>;
  listenAgain(): Promise<void>;
  /** Issues and installs a new pve-ssl.pem; resolves with its SHA-256 fingerprint. */
  replaceCertificate(): Promise<string>;
}

/** The armed faults, consumed by the config locks, the task registry, the storage, create and the API server. */
export class FaultPlan implements ProxmoxFaults {
  private readonly lockFaults = new Map<number, number>();
  private nextCreateLockFaults = 0;
  private readonly taskFaults = new Map<string, TaskFault[]>();
  private takenVmidHostname?: string;
  private readonly removedStorages = new Set<string>();
  private readonly removedTemplates = new Set<string>();
  private delayMs = 0;
  private api?: ApiServerSwitch;

  /** Connects the API faults to the node's server once it runs. */
  attachApi(api: ApiServerSwitch): void {
    this.api = api;
  }

  lockTimeouts(vmid: number | 'next-create', count = 1): void {
    if (vmid === 'next-create') this.nextCreateLockFaults += count;
    else this.lockFaults.set(vmid, (this.lockFaults.get(vmid) ?? 0) + count);
  }

  failNextTask(type: string, message: string): void {
    this.arm(type, { kind: 'fail', message });
  }

  warnNextTask(type: string, warnings: number | string[]): void {
    const lines = typeof warnings === 'number' ? Array.from({ length: warnings }, (_, i) => `injected warning ${i + 1} (lab fault)`) : warnings;
    this.arm(type, { kind: 'warn', warnings: lines });
  }

  apiDown(): Promise<void> {
    return this.requireApi().stopListening();
  }

  apiUp(): Promise<void> {
    return this.requireApi().listenAgain();
  }

  apiSlow(delayMs: number): void {
    if (!(delayMs >= 0 && Number.isFinite(delayMs))) throw new RangeError(`apiSlow needs a delay of 0 ms or more, got ${delayMs}`);
    this.delayMs = delayMs;
  }

  replaceTlsCertificate(): Promise<string> {
    return this.requireApi().replaceCertificate();
  }

  vmidTakenOnNextCreate(hostname = 'other-team-app'): void {
    this.takenVmidHostname = hostname;
  }

  removeStorage(storageId: string): void {
    this.removedStorages.add(storageId);
  }

  removeTemplate(volid: string): void {
    this.removedTemplates.add(volid);
  }

  async clear(): Promise<void> {
    this.lockFaults.clear();
    this.nextCreateLockFaults = 0;
    this.taskFaults.clear();
    this.takenVmidHostname = undefined;
    this.removedStorages.clear();
    this.removedTemplates.clear();
    this.delayMs = 0;
    await this.api?.listenAgain();
  }

  /** How long the API holds each request before answering it (ms, real time). */
  get apiDelayMs(): number {
    return this.delayMs;
  }

  /** A create request for `vmid` arrived: `lockTimeouts('next-create')` now applies to this VMID. */
  bindNextCreate(vmid: number): void {
    if (this.nextCreateLockFaults <= 0) return;
    this.lockTimeouts(vmid, this.nextCreateLockFaults);
    this.nextCreateLockFaults = 0;
  }

  /** The hostname of the CT that must take the next create's VMID, once. */
  takeVmidTaken(): string | undefined {
    const hostname = this.takenVmidHostname;
    this.takenVmidHostname = undefined;
    return hostname;
  }

  storageRemoved(storageId: string): boolean {
    return this.removedStorages.has(storageId);
  }

  templateRemoved(volid: string): boolean {
    return this.removedTemplates.has(volid);
  }

  /** True when this lock attempt must time out (and counts it). */
  takeLockTimeout(vmid: number): boolean {
    const left = this.lockFaults.get(vmid) ?? 0;
    if (left <= 0) return false;
    if (left === 1) this.lockFaults.delete(vmid);
    else this.lockFaults.set(vmid, left - 1);
    return true;
  }

  takeTaskFault(type: string): TaskFault | undefined {
    const queue = this.taskFaults.get(type);
    const fault = queue?.shift();
    if (queue && queue.length === 0) this.taskFaults.delete(type);
    return fault;
  }

  private arm(type: string, fault: TaskFault): void {
    this.taskFaults.set(type, [...(this.taskFaults.get(type) ?? []), fault]);
  }

  private requireApi(): ApiServerSwitch {
    if (!this.api) throw new Error('API faults need a running node (FaultPlan.attachApi was not called)');
    return this.api;
  }
}
