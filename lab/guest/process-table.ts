/** Signals the guest's tools send, with Linux's numbers (signal(7)). */
export const SIGNALS = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, CONT: 18, STOP: 19 } as const;
export type SignalName = keyof typeof SIGNALS;

/** Why a process's work was aborted: the signal that killed it (exit status 128 + number). */
export class KilledBySignal extends Error {
  constructor(readonly signal: SignalName) {
    super(`killed by SIG${signal}`);
  }

  get exitCode(): number {
    return 128 + SIGNALS[this.signal];
  }
}

/** Resolves, when `signal` aborts, with the exit a killed process has (128 + signal; a stopped container is SIGKILL). */
export function whenKilled(signal: AbortSignal): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    const settle = () => resolve({ stdout: '', stderr: '', exitCode: signal.reason instanceof KilledBySignal ? signal.reason.exitCode : 137 });
    if (signal.aborted) settle();
    else signal.addEventListener('abort', settle, { once: true });
  });
}

export interface GuestProcess {
  readonly pid: number;
  ppid: number;
  readonly pgid: number;
  readonly sid: number;
  /** The command line as `ps -o args` prints it. */
  readonly args: string;
  readonly startedAt: Date;
  /** Extra STAT letters after the state: `l` multi-threaded (k3s, containerd). */
  readonly flags: string;
  /** Aborted with a KilledBySignal when the process is killed (or the container stops). */
  readonly signal: AbortSignal;
  /** Ignores SIGHUP (nohup). */
  ignoresHangup: boolean;
  /** The text the process runs as a shell (its script), for finding where its children were started. */
  script?: string;
  /** Its standard output is the SSH channel that started its session (not a file): a write after close is SIGPIPE. */
  writesToChannel: boolean;
  exitCode?: number;
}

/**
 * The guest's processes as `ps`, `kill` and `pgrep` see them: one table per boot. A process is a piece of the lab's
 * work with a pid, its parent, process group and session; killing it aborts that work. Killing a parent does not
 * kill its children (they are reparented to init); killing a group (`kill -- -PGID`) signals every member.
 */
export class ProcessTable {
  private readonly processes = new Map<number, GuestProcess & { controller: AbortController }>();
  private next: number;

  constructor(
    /** Aborted when the container stops: every process ends with it. */
    private readonly containerSignal: AbortSignal,
    firstPid = 300 + Math.floor(Math.random() * 400),
  ) {
    this.next = firstPid;
    for (const base of BASE_PROCESSES) this.add({ ...base, ppid: base.pid === 1 ? 0 : 1, pgid: base.pid, sid: base.pid });
  }

  /** Starts a process. `session: 'new'` makes it a session and group leader (setsid); else it joins its parent's. */
  spawn(options: { ppid: number; args: string; session?: 'new' | 'inherit'; flags?: string; writesToChannel?: boolean; script?: string }): GuestProcess {
    const pid = this.next++;
    const parent = this.processes.get(options.ppid);
    const leader = options.session === 'new' || !parent;
    return this.add({
      pid,
      ppid: options.ppid,
      pgid: leader ? pid : parent!.pgid,
      sid: leader ? pid : parent!.sid,
      args: options.args,
      flags: options.flags ?? '',
      writesToChannel: options.writesToChannel ?? parent?.writesToChannel ?? false,
      script: options.script,
    });
  }

  private add(base: Omit<GuestProcess, 'signal' | 'startedAt' | 'ignoresHangup'>): GuestProcess {
    const controller = new AbortController();
    const process = Object.assign(base, {
      controller,
      signal: AbortSignal.any([controller.signal, this.containerSignal]),
      startedAt: new Date(),
      ignoresHangup: false,
    });
    this.processes.set(process.pid, process);
    return process;
  }

  /** The process has ended: it leaves the table, and its children are reparented to init. */
  exit(pid: number, exitCode: number): void {
    const process = this.processes.get(pid);
    if (!process || process.pid === 1) return;
    process.exitCode = exitCode;
    this.processes.delete(pid);
    for (const child of this.processes.values()) if (child.ppid === pid) child.ppid = 1;
  }

  get(pid: number): GuestProcess | undefined {
    return this.processes.get(pid);
  }

  list(): GuestProcess[] {
    return [...this.processes.values()].sort((a, b) => a.pid - b.pid);
  }

  /**
   * kill(2): a positive target is one process, a negative one a process group. Returns how many got the signal
   * (0 is ESRCH). Signal 0 only checks. PID 1 ignores signals it has no handler for, as init does.
   */
  kill(target: number, signal: SignalName | 0): number {
    const one = this.processes.get(target);
    const victims: GuestProcess[] = target < 0 ? this.list().filter((p) => p.pgid === -target) : one ? [one] : [];
    if (signal === 0) return victims.length;
    for (const victim of victims) this.deliver(victim, signal);
    return victims.length;
  }

  /** A hangup of a session's terminal: SIGHUP to every process of the session that does not ignore it. */
  hangUpSession(sid: number): void {
    for (const process of this.list()) if (process.sid === sid) this.deliver(process, 'HUP');
  }

  private deliver(process: GuestProcess, signal: SignalName): void {
    if (process.pid === 1 || BASE_PROCESSES.some((base) => base.pid === process.pid)) return;
    // Stopping and continuing are not modelled: a stopped process would go on here.
    if (signal === 'CONT' || signal === 'STOP' || (signal === 'HUP' && process.ignoresHangup)) return;
    const entry = this.processes.get(process.pid);
    entry?.controller.abort(new KilledBySignal(signal));
  }
}

/** What a fresh Ubuntu 22.04 container runs (systemd units of the standard template), with their fixed low pids. */
const BASE_PROCESSES: Array<{ pid: number; args: string; flags: string; writesToChannel: false }> = [
  { pid: 1, args: '/sbin/init', flags: '', writesToChannel: false },
  { pid: 49, args: '/lib/systemd/systemd-journald', flags: '', writesToChannel: false },
  { pid: 88, args: '/lib/systemd/systemd-networkd', flags: '', writesToChannel: false },
  { pid: 94, args: '/lib/systemd/systemd-resolved', flags: '', writesToChannel: false },
  { pid: 97, args: '/usr/sbin/cron -f -P', flags: '', writesToChannel: false },
  { pid: 98, args: '@dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation --syslog-only', flags: '', writesToChannel: false },
  { pid: 101, args: '/lib/systemd/systemd-logind', flags: '', writesToChannel: false },
  { pid: 119, args: '/sbin/agetty -o -p -- \\u --noclear --keep-baud console 115200,38400,9600 vt220', flags: '+', writesToChannel: false },
  { pid: 124, args: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups', flags: '', writesToChannel: false },
];

/** The sshd listener's pid: connections' `sshd: root [priv]` processes are its children. */
export const SSHD_PID = 124;
