import { randomInt } from 'node:crypto';
import type { LabTiming } from '../../timing';
import { parameterError } from '../api/envelope';
import type { FaultPlan } from '../faults';

export interface TaskStatus {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  /** The user; for a token's task the part before `!` (Tasks.pm convert_token_task). */
  user: string;
  /** The token name, present only for a token's task. */
  tokenid?: string;
  status: 'running' | 'stopped';
  exitstatus?: string;
}

/** What a task's code may do: print lines to its log and count warnings (PVE's `warn`). */
export interface TaskLog {
  log(line: string): void;
  warn(line: string): void;
}

interface Task {
  status: TaskStatus;
  /** When its log file counts as existing (epoch ms): before that the task is unknown to status and log. */
  visibleAt: number;
  lines: string[];
  warnings: number;
  done: Promise<void>;
}

/**
 * How long a new task stays unknown to the status and log calls after its UPID is returned. Clients are known to
 * meet a 400 "no such task" here and must retry; the lab keeps the moment short and scales it with LabTiming.
 */
export const TASK_APPEARS_AFTER_MS = 200;

/** PVE::UPID::decode's pattern: what is not shaped like this is "unable to parse worker upid". */
const UPID_PATTERN = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8,9}:[0-9A-Fa-f]{8}:[^:\s/]+:[^:\s/]*:[^:\s/]+:$/;

export interface TaskRegistryOptions {
  /** Scales the moment a new task is not yet visible; without it tasks are visible at once. */
  timing?: LabTiming;
  /** Armed task faults (failNextTask, warnNextTask). */
  faults?: FaultPlan;
  /** The clock, for tests of the visibility window. */
  now?: () => number;
}

/** What a failing task must undo itself, as the real worker's error path does (vzcreate removes its config). */
export interface TaskStartOptions {
  undoOnFailure?: () => void | Promise<void>;
}

const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');

/** PVE::Tools::upid_encode: `UPID:node:PID:PSTART:STARTTIME:type:id:user:`, upper-case hex, trailing colon. */
export function formatUpid(s: Omit<TaskStatus, 'upid' | 'status' | 'exitstatus'>): string {
  return `UPID:${s.node}:${hex8(s.pid)}:${hex8(s.pstart)}:${hex8(s.starttime)}:${s.type}:${s.id}:${s.user}:`;
}

/** The node's worker tasks (fork_worker): each runs asynchronously and ends with TASK OK / WARNINGS / ERROR. */
export class TaskRegistry {
  private readonly tasks = new Map<string, Task>();
  private pid = randomInt(0x100000, 0x300000);
  // pstart counts clock ticks since boot; a node up for a few days is in this range.
  private readonly bootTicks = randomInt(0x0e000000, 0x0f000000);
  private readonly now: () => number;
  private readonly bootedAt: number;

  constructor(
    private readonly nodeName: string,
    private readonly options: TaskRegistryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.bootedAt = this.now();
  }

  start(type: string, id: string, user: string, work: (log: TaskLog) => Promise<void>, startOptions: TaskStartOptions = {}): string {
    const pid = (this.pid += randomInt(1, 50));
    const now = this.now();
    const starttime = Math.floor(now / 1000);
    const pstart = this.bootTicks + Math.floor((now - this.bootedAt) / 10);
    const base = { node: this.nodeName, pid, pstart, starttime, type, id, user };
    const upid = formatUpid(base);
    const [owner, tokenid] = user.split('!');
    const status: TaskStatus = { upid, ...base, user: owner, ...(tokenid !== undefined ? { tokenid } : {}), status: 'running' };
    const visibleAt = now + (this.options.timing?.duration(TASK_APPEARS_AFTER_MS) ?? 0);
    const task: Task = { status, visibleAt, lines: [], warnings: 0, done: Promise.resolve() };
    const fault = this.options.faults?.takeTaskFault(type);
    const run: (log: TaskLog) => Promise<void> =
      fault?.kind === 'fail'
        ? async () => {
            await startOptions.undoOnFailure?.();
            throw new Error(fault.message);
          }
        : fault?.kind === 'warn'
          ? async (log) => {
              await work(log);
              for (const line of fault.warnings) log.warn(line);
            }
          : work;
    const log: TaskLog = {
      log: (line) => task.lines.push(line),
      warn: (line) => {
        task.warnings += 1;
        task.lines.push(`WARN: ${line}`);
      },
    };
    this.tasks.set(upid, task);
    task.done = (async () => {
      // Yield first: the caller gets the UPID while the task is still running, as from a forked worker.
      await Promise.resolve();
      try {
        await run(log);
        const exit = task.warnings > 0 ? `WARNINGS: ${task.warnings}` : 'OK';
        task.lines.push(`TASK ${exit}`);
        task.status = { ...task.status, status: 'stopped', exitstatus: exit };
      } catch (error) {
        const message = (error instanceof Error ? error.message : String(error)).replace(/\n+$/, '');
        task.lines.push(`TASK ERROR: ${message}`);
        task.status = { ...task.status, status: 'stopped', exitstatus: message };
      }
    })();
    return upid;
  }

  /** read_task_status: a malformed UPID and one without a log file (yet) are parameter errors. */
  status(upid: string): TaskStatus {
    const task = this.visible(upid);
    if (!task) throw parameterError({ upid: 'no such task' });
    return { ...task.status };
  }

  /** read_task_log: dump_logfile answers a missing log file with one line instead of an error. */
  log(upid: string, start = 0, limit = 50): { lines: Array<{ n: number; t: string }>; total: number } {
    const task = this.visible(upid);
    if (!task) return { lines: [{ n: 1, t: 'unable to open file - No such file or directory' }], total: 1 };
    const lines = task.lines.slice(start, start + limit).map((t, i) => ({ n: start + i + 1, t }));
    return { lines, total: task.lines.length };
  }

  /** Resolves when the task has stopped (used by pct, which waits for its worker like the real CLI). */
  async wait(upid: string): Promise<TaskStatus> {
    const task = this.tasks.get(upid);
    if (!task) throw new Error(`no such task ${upid}`);
    await task.done;
    return { ...task.status };
  }

  /** The whole log regardless of the visibility window (pct prints its worker's output). */
  fullLog(upid: string): string[] {
    return [...(this.tasks.get(upid)?.lines ?? [])];
  }

  list(): TaskStatus[] {
    const now = this.now();
    return [...this.tasks.values()].filter((t) => now >= t.visibleAt).map((t) => ({ ...t.status })).reverse();
  }

  private visible(upid: string): Task | undefined {
    if (!UPID_PATTERN.test(upid)) throw parameterError({ upid: 'unable to parse worker upid' });
    const task = this.tasks.get(upid);
    return task && this.now() >= task.visibleAt ? task : undefined;
  }
}
