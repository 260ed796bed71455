import { InfrastructureError } from '../errors';
import type { Deadline, PhaseObserver } from '../waiting/deadline';
import { ProxmoxApiError } from './proxmox-api-error';

export interface TaskStatus {
  status: 'running' | 'stopped';
  exitstatus?: string;
}

export interface TaskOutcome {
  upid: string;
  /** Warnings count when the task ended with `WARNINGS: N` (success with warnings). */
  warnings: number;
  log: string[];
}

export interface TaskSource {
  status(upid: string): Promise<TaskStatus>;
  log(upid: string): Promise<string[]>;
}

// The task status endpoint is pull-only; poll quickly at first (the lab and small tasks finish fast), then back off,
// but only to 250 ms: every poll interval is time the run waits on a task that has already ended (a 1 s ceiling
// added about half a second to each task; BENCHMARKS.md, benchmark 5), and a status read is cheap for pveproxy.
const FIRST_POLL_MS = 50;
const MAX_POLL_MS = 250;
const LOG_TAIL_LINES = 15;

/**
 * Waits for a Proxmox task by its UPID. A task may be invisible for a moment after its UPID is returned, so lookup
 * errors are retried until the deadline. `WARNINGS: N` is success; anything but OK is failure with the log's tail.
 */
export function waitForTask(source: TaskSource, upid: string, deadline: Deadline): Promise<TaskOutcome> {
  return deadline.track((phase) => pollTask(source, upid, deadline, phase));
}

async function pollTask(source: TaskSource, upid: string, deadline: Deadline, phase: PhaseObserver): Promise<TaskOutcome> {
  let pollMs = FIRST_POLL_MS;
  let lastObserved = 'task not visible yet';
  for (;;) {
    try {
      const status = await source.status(upid);
      lastObserved = `status ${status.status}${status.exitstatus ? `, exitstatus ${status.exitstatus}` : ''}`;
      phase.observe(lastObserved);
      if (status.status === 'stopped') return await settle(source, upid, status.exitstatus ?? 'unknown');
    } catch (error) {
      if (error instanceof InfrastructureError) throw error;
      lastObserved = `task status unavailable: ${ProxmoxApiError.from(error)?.describe() ?? (error as Error).message}`;
      phase.observe(lastObserved);
    }
    if (deadline.expired()) {
      const log = await source.log(upid).catch(() => []);
      throw deadline.exceeded(`${lastObserved}; log tail:\n${log.slice(-LOG_TAIL_LINES).join('\n')}`);
    }
    await deadline.pause(pollMs);
    pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
  }
}

async function settle(source: TaskSource, upid: string, exitstatus: string): Promise<TaskOutcome> {
  const log = await source.log(upid);
  if (exitstatus === 'OK') return { upid, warnings: 0, log };
  const warnings = /^WARNINGS: (\d+)$/.exec(exitstatus);
  if (warnings) return { upid, warnings: Number(warnings[1]), log };
  throw new InfrastructureError(
    'proxmox',
    `Proxmox task ${upid} failed: ${exitstatus}`,
    log.slice(-LOG_TAIL_LINES).join('\n'),
  );
}
