import { randomInt } from 'node:crypto';
import { ApiError } from './envelope';

export interface TaskStatus {
  upid: string;
  node: string;
  pid: number;
  pstart: number;
  starttime: number;
  type: string;
  id: string;
  user: string;
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
  lines: string[];
  warnings: number;
  done: Promise<void>;
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
  private readonly bootedAt = Date.now();

  constructor(private readonly nodeName: string) {}

  start(type: string, id: string, user: string, work: (log: TaskLog) => Promise<void>): string {
    const pid = (this.pid += randomInt(1, 50));
    const starttime = Math.floor(Date.now() / 1000);
    const pstart = this.bootTicks + Math.floor((Date.now() - this.bootedAt) / 10);
    const base = { node: this.nodeName, pid, pstart, starttime, type, id, user };
    const upid = formatUpid(base);
    const task: Task = { status: { upid, ...base, status: 'running' }, lines: [], warnings: 0, done: Promise.resolve() };
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
        await work(log);
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

  status(upid: string): TaskStatus {
    return { ...this.get(upid).status };
  }

  log(upid: string, start = 0, limit = 50): { lines: Array<{ n: number; t: string }>; total: number } {
    const task = this.get(upid);
    const lines = task.lines.slice(start, start + limit).map((t, i) => ({ n: start + i + 1, t }));
    return { lines, total: task.lines.length };
  }

  /** Resolves when the task has stopped (used by pct, which waits for its worker like the real CLI). */
  async wait(upid: string): Promise<TaskStatus> {
    await this.get(upid).done;
    return this.status(upid);
  }

  list(): TaskStatus[] {
    return [...this.tasks.values()].map((t) => ({ ...t.status })).reverse();
  }

  private get(upid: string): Task {
    const task = this.tasks.get(upid);
    // pve-manager: an unknown or malformed UPID is a parameter error ("unable to parse worker upid").
    if (!task) throw new ApiError(400, 'Parameter verification failed.', { upid: `unable to parse worker upid '${upid}'` });
    return task;
  }
}
