/**
 * Faults a test can arm on a running node. Each arming fires once (or `count` times) and the node then behaves
 * normally again; nothing fires unless armed. See LIMITATIONS.md, "Faults".
 */
export interface ProxmoxFaults {
  /**
   * The next `count` attempts to take CT `vmid`'s config lock (`/run/lock/lxc/pve-config-<vmid>.lock`) time out
   * after the scaled lock timeout, with the real text. Where the attempt happens decides how it surfaces: a sync
   * 500 for PUT config and for create's reservation (`unable to create CT <vmid> - ...`), a task error for
   * start/stop/shutdown/destroy and the vzcreate worker.
   */
  lockTimeouts(vmid: number, count?: number): void;
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
  /** Disarms everything not yet fired. */
  clear(): void;
}

export type TaskFault = { kind: 'fail'; message: string } | { kind: 'warn'; warnings: string[] };

/** The armed faults, consumed by the config locks and the task registry. */
export class FaultPlan implements ProxmoxFaults {
  private readonly lockFaults = new Map<number, number>();
  private readonly taskFaults = new Map<string, TaskFault[]>();

  lockTimeouts(vmid: number, count = 1): void {
    this.lockFaults.set(vmid, (this.lockFaults.get(vmid) ?? 0) + count);
  }

  failNextTask(type: string, message: string): void {
    this.arm(type, { kind: 'fail', message });
  }

  warnNextTask(type: string, warnings: number | string[]): void {
    const lines = typeof warnings === 'number' ? Array.from({ length: warnings }, (_, i) => `injected warning ${i + 1} (lab fault)`) : warnings;
    this.arm(type, { kind: 'warn', warnings: lines });
  }

  clear(): void {
    this.lockFaults.clear();
    this.taskFaults.clear();
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
}
