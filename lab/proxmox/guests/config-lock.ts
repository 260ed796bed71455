import type { LabTiming } from '../../timing';
import type { FaultPlan } from '../faults';
import type { TaskLog } from '../node/tasks';

/** AbstractConfig::lock_config waits this long for the flock; create_and_lock_config only 5 s. */
export const CONFIG_LOCK_TIMEOUT_MS = 10_000;
export const CREATE_LOCK_TIMEOUT_MS = 5_000;

/** PVE::LXC::Config::config_file_lock */
export function configLockFile(vmid: number): string {
  return `/run/lock/lxc/pve-config-${vmid}.lock`;
}

/** lock_file_full's error when run_with_timeout fires first: `can't lock file '...' - got timeout`. */
export function lockTimeoutError(vmid: number): Error {
  return new Error(`can't lock file '${configLockFile(vmid)}' - got timeout`);
}

/**
 * The per-CT config flocks (pve-common PVE::Tools::lock_file_full): exclusive, waited for up to a (scaled) timeout.
 * A waiter inside a task prints `trying to acquire lock...` to the task log, then ` OK` once it has the lock.
 */
export class ConfigLocks {
  /** Held locks, each with the waiters to hand it to in turn. */
  private readonly held = new Map<number, Array<() => void>>();

  constructor(
    private readonly timing: LabTiming,
    private readonly faults: FaultPlan,
  ) {}

  isHeld(vmid: number): boolean {
    return this.held.has(vmid);
  }

  async withLock<T>(vmid: number, code: () => T | Promise<T>, options: { timeoutMs?: number; log?: TaskLog } = {}): Promise<T> {
    await this.acquire(vmid, options.timeoutMs ?? CONFIG_LOCK_TIMEOUT_MS, options.log);
    try {
      return await code();
    } finally {
      this.release(vmid);
    }
  }

  private async acquire(vmid: number, timeoutMs: number, log?: TaskLog): Promise<void> {
    if (this.faults.takeLockTimeout(vmid)) {
      log?.log('trying to acquire lock...');
      await this.timing.wait(timeoutMs);
      throw lockTimeoutError(vmid);
    }
    const waiters = this.held.get(vmid);
    if (!waiters) {
      this.held.set(vmid, []);
      return;
    }
    log?.log('trying to acquire lock...');
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(grant), 1);
        reject(lockTimeoutError(vmid));
      }, this.timing.duration(timeoutMs));
      waiters.push(grant);
    });
    log?.log(' OK');
  }

  private release(vmid: number): void {
    const next = this.held.get(vmid)?.shift();
    if (next) next();
    else this.held.delete(vmid);
  }
}
