import type { IFileSystem } from 'just-bash';
import type { LabTiming } from '../timing';
import { abortableDelay } from './abortable-delay';
import type { Journal } from './journal';
import { KilledBySignal, SIGNALS, type ProcessTable } from './process-table';
import { parseEnvironmentFile, parseUnitFile, type UnitFile } from './unit-file';

/** What a service's main process gets from systemd. */
export interface ServiceContext {
  pid: number;
  args: string[];
  environment: Record<string, string>;
  /** Aborted when systemd stops the service (or the container stops). */
  signal: AbortSignal;
  /** sd_notify(READY=1): a Type=notify unit becomes active only now. */
  notifyReady(): void;
}

/** A program the guest can run as a service's main process; resolves with its exit status. */
export type ServiceProgram = (context: ServiceContext) => Promise<number>;

export type ActiveState = 'inactive' | 'activating' | 'active' | 'deactivating' | 'failed';

interface UnitRuntime {
  state: ActiveState;
  subState: string;
  since: Date;
  pid?: number;
  restarts: number;
  lastExit?: number;
  /** Stops the current process and any pending auto-restart. */
  controller?: AbortController;
  exited?: Promise<void>;
  activation?: { promise: Promise<StartOutcome>; settle: (outcome: StartOutcome) => void };
}

export type StartOutcome = { ok: true } | { ok: false; message: string; exitCode: number };

const UNIT_DIRS = ['/etc/systemd/system', '/lib/systemd/system'];

/** The guest's PID 1 as far as the suite can see it: unit files, start/stop jobs, restart policy and the journal. */
export class Systemd {
  private readonly units = new Map<string, UnitRuntime>();

  constructor(
    private readonly fs: IFileSystem,
    private readonly journal: Journal,
    private readonly timing: LabTiming,
    /** Executable path -> the program behind it (e.g. /usr/local/bin/k3s). */
    private readonly programs: Map<string, ServiceProgram>,
    /** The guest's processes: a service's main process is one, in a session of its own (ps: Ssl). */
    private readonly processes: ProcessTable,
  ) {}

  /** `k3s-agent`, `k3s-agent.service` and `/etc/systemd/system/k3s-agent.service` all name the same unit. */
  static unitName(name: string): string {
    const base = name.replace(/^.*\//, '');
    return base.includes('.') ? base : `${base}.service`;
  }

  async unitPath(unit: string): Promise<string | undefined> {
    for (const dir of UNIT_DIRS) if (await this.fs.exists(`${dir}/${unit}`)) return `${dir}/${unit}`;
    return undefined;
  }

  async loadUnit(unit: string): Promise<UnitFile | undefined> {
    const path = await this.unitPath(unit);
    return path ? parseUnitFile(await this.fs.readFile(path)) : undefined;
  }

  runtime(unit: string): UnitRuntime {
    let runtime = this.units.get(unit);
    if (!runtime) {
      runtime = { state: 'inactive', subState: 'dead', since: new Date(), restarts: 0 };
      this.units.set(unit, runtime);
    }
    return runtime;
  }

  /** `systemctl start`: for Type=notify waits for READY=1 or the process' early exit, as the real job does. */
  async start(unit: string): Promise<StartOutcome> {
    const file = await this.loadUnit(unit);
    if (!file) return { ok: false, message: `Failed to start ${unit}: Unit ${unit} not found.`, exitCode: 5 };
    const runtime = this.runtime(unit);
    if (runtime.state === 'active') return { ok: true };
    if (runtime.activation) return runtime.activation.promise;
    // Waiting for an auto-restart: this start joins the next activation instead of spawning a second process.
    if (runtime.controller) return this.awaitActivation(runtime);
    return this.spawn(unit, file, runtime);
  }

  private awaitActivation(runtime: UnitRuntime): Promise<StartOutcome> {
    let settle!: (outcome: StartOutcome) => void;
    const promise = new Promise<StartOutcome>((resolve) => (settle = resolve));
    runtime.activation = { promise, settle };
    return promise;
  }

  async stop(unit: string): Promise<void> {
    const runtime = this.runtime(unit);
    if (!runtime.controller) return;
    const file = await this.loadUnit(unit);
    const description = file?.description || unit;
    const wasRunning = runtime.state === 'active' || runtime.state === 'activating';
    if (wasRunning) this.log(unit, `Stopping ${description}...`);
    this.set(runtime, 'deactivating', 'stop-sigterm');
    runtime.controller.abort(new Error('stopped by systemd'));
    await runtime.exited;
    runtime.controller = undefined;
    runtime.pid = undefined;
    runtime.activation?.settle(failedJob(unit));
    runtime.activation = undefined;
    this.set(runtime, 'inactive', 'dead');
    this.log(unit, `${unit}: Deactivated successfully.`);
    if (wasRunning) this.log(unit, `Stopped ${description}.`);
  }

  async restart(unit: string): Promise<StartOutcome> {
    const file = await this.loadUnit(unit);
    if (!file) return { ok: false, message: `Failed to restart ${unit}: Unit ${unit} not found.`, exitCode: 5 };
    await this.stop(unit);
    return this.start(unit);
  }

  /** Starts every unit enabled for multi-user.target without waiting, as boot does. */
  async bootEnabledUnits(): Promise<void> {
    const wants = '/etc/systemd/system/multi-user.target.wants';
    if (!(await this.fs.exists(wants))) return;
    for (const unit of await this.fs.readdir(wants)) void this.start(unit);
  }

  /** Container stop: every process ends, nothing restarts, no journal lines (the journal stops too). */
  async shutdown(): Promise<void> {
    const running = [...this.units.values()];
    for (const runtime of running) runtime.controller?.abort(new Error('container stopped'));
    await Promise.all(running.map((runtime) => runtime.exited));
    for (const runtime of running) {
      runtime.activation?.settle({ ok: false, message: '', exitCode: 1 });
      Object.assign(runtime, { state: 'inactive', subState: 'dead', controller: undefined, pid: undefined, activation: undefined, restarts: 0 });
    }
  }

  private spawn(unit: string, file: UnitFile, runtime: UnitRuntime): Promise<StartOutcome> {
    const promise = this.awaitActivation(runtime);
    const controller = new AbortController();
    runtime.controller = controller;
    let resolveExited!: () => void;
    runtime.exited = new Promise<void>((resolve) => (resolveExited = resolve));
    void this.run(unit, file, runtime, controller).finally(resolveExited);
    return promise;
  }

  private async run(unit: string, file: UnitFile, runtime: UnitRuntime, controller: AbortController): Promise<void> {
    const description = file.description || unit;
    this.set(runtime, 'activating', 'start');
    this.log(unit, `Starting ${description}...`);
    const [executable, ...args] = file.execStart;
    const program = this.programs.get(executable);
    let status: number;
    // A main process killed from a shell (kill PID) ends with that signal, which systemd reports as such.
    let killedBy: keyof typeof SIGNALS | undefined;
    if (!(await this.fs.exists(executable)) || !program) {
      this.log(unit, `${unit}: Failed to locate executable ${executable}: No such file or directory`);
      this.log(unit, `${unit}: Failed at step EXEC spawning ${executable}: No such file or directory`);
      status = 203;
    } else {
      const process = this.processes.spawn({ ppid: 1, args: file.execStart.join(' '), session: 'new', flags: 'l', writesToChannel: false });
      const pid = process.pid;
      runtime.pid = pid;
      const environment = await this.environment(file);
      const notifyReady = () => {
        if (controller.signal.aborted || runtime.state !== 'activating') return;
        this.set(runtime, 'active', 'running');
        this.log(unit, `Started ${description}.`);
        runtime.activation?.settle({ ok: true });
        runtime.activation = undefined;
      };
      if (file.type !== 'notify') queueMicrotask(notifyReady);
      const signal = AbortSignal.any([controller.signal, process.signal]);
      status = await program({ pid, args, environment, signal, notifyReady }).catch(() => 1);
      if (process.signal.reason instanceof KilledBySignal) killedBy = process.signal.reason.signal;
      this.processes.exit(pid, status);
    }
    if (controller.signal.aborted) return; // stop() or shutdown() owns the state from here
    runtime.lastExit = status;
    runtime.pid = undefined;
    const code = status === 203 ? '203/EXEC' : `${status}/${status === 0 ? 'SUCCESS' : 'FAILURE'}`;
    if (killedBy) this.log(unit, `${unit}: Main process exited, code=killed, status=${SIGNALS[killedBy]}/${killedBy}`);
    else this.log(unit, `${unit}: Main process exited, code=exited, status=${code}`);
    this.log(unit, `${unit}: Failed with result '${killedBy ? 'signal' : 'exit-code'}'.`);
    if (runtime.activation) {
      this.log(unit, `Failed to start ${description}.`);
      runtime.activation.settle(failedJob(unit));
      runtime.activation = undefined;
    }
    if (file.restart === 'always' || (file.restart === 'on-failure' && status !== 0)) {
      this.set(runtime, 'activating', 'auto-restart');
      try {
        await abortableDelay(this.timing.period(file.restartSecMs), controller.signal);
      } catch {
        return;
      }
      runtime.restarts += 1;
      this.log(unit, `${unit}: Scheduled restart job, restart counter is at ${runtime.restarts}.`);
      this.log(unit, `Stopped ${description}.`);
      const next = new AbortController();
      runtime.controller = next;
      controller.signal.addEventListener('abort', () => next.abort(controller.signal.reason));
      // The restarted process runs under the same stop handle; `exited` follows the newest process.
      let resolveExited!: () => void;
      runtime.exited = new Promise<void>((resolve) => (resolveExited = resolve));
      void this.run(unit, file, runtime, next).finally(resolveExited);
    } else {
      this.set(runtime, 'failed', 'failed');
    }
  }

  private async environment(file: UnitFile): Promise<Record<string, string>> {
    const environment: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
    for (const { path } of file.environmentFiles) {
      if (path.includes('%')) continue;
      if (await this.fs.exists(path)) Object.assign(environment, parseEnvironmentFile(await this.fs.readFile(path)));
    }
    return environment;
  }

  private set(runtime: UnitRuntime, state: ActiveState, subState: string): void {
    if (runtime.state !== state) runtime.since = new Date();
    runtime.state = state;
    runtime.subState = subState;
  }

  private log(unit: string, message: string): void {
    this.journal.append(unit, 'systemd', 1, message);
  }
}

function failedJob(unit: string): StartOutcome {
  return {
    ok: false,
    exitCode: 1,
    message:
      `Job for ${unit} failed because the control process exited with error code.\n` +
      `See "systemctl status ${unit}" and "journalctl -xeu ${unit}" for details.`,
  };
}
