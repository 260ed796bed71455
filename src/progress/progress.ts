/** quiet: nothing; normal: a live line on a terminal, a line per change elsewhere; verbose: every line, timestamped. */
export type ProgressMode = 'quiet' | 'normal' | 'verbose';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** What a wait tells its phase: the state it last observed, and how it ended. */
export interface PhaseObserver {
  observe(state: string): void;
  end(outcome: 'done' | 'failed'): void;
}

/** The phase of a wait nobody watches (a unit test's). */
export const silentPhase: PhaseObserver = { observe: () => {}, end: () => {} };

/** A phase that has ended, for the run's timeline. */
export interface PhaseRecord {
  name: string;
  startedAt: number;
  endedAt: number;
  outcome: 'done' | 'failed';
}

const TICK_MS = 1000;

/**
 * Live progress of the long waits (Proxmox tasks, SSH, the install, Ready, Running): which phase, how long so far,
 * the deadline, and the last state observed. On a terminal one line is rewritten in place; without one (CI) a
 * plain line is printed when the phase starts, when the observed state changes and when it ends — never a flood.
 * It also keeps each phase's start and end for the run's timeline.
 */
export class Progress {
  private readonly records: PhaseRecord[] = [];
  private live?: ActivePhase;

  constructor(
    private readonly mode: ProgressMode,
    private readonly out: ProgressOutput,
    private readonly now: () => number = Date.now,
    /** Masks the run's secrets in what is printed (an observed state may quote a command's output). */
    private readonly mask: (text: string) => string = (text) => text,
  ) {}

  begin(name: string, timeoutMs: number): ActivePhase {
    const phase = new ActivePhase(this, name, timeoutMs, this.now());
    this.live = phase;
    if (this.rewrites) phase.startTicker();
    else this.line(`▶ ${name} (deadline ${seconds(timeoutMs)})`);
    return phase;
  }

  /** Phases that ended since `since` (ms epoch), oldest first. */
  phases(since = 0): PhaseRecord[] {
    return this.records.filter((record) => record.startedAt >= since);
  }

  /** @internal */
  observed(phase: ActivePhase, state: string, changed: boolean): void {
    if (this.rewrites) this.redraw(phase);
    else if (changed || this.mode === 'verbose') this.line(`  ${phase.name}: ${this.mask(state)} (${seconds(this.now() - phase.startedAt)})`);
  }

  /** @internal */
  ended(phase: ActivePhase, outcome: 'done' | 'failed'): void {
    const endedAt = this.now();
    this.records.push({ name: phase.name, startedAt: phase.startedAt, endedAt, outcome });
    if (this.rewrites) this.out.write('\r\x1b[2K');
    const mark = outcome === 'done' ? '✔' : '✖';
    const last = outcome === 'failed' && phase.lastState ? `: ${this.mask(phase.lastState)}` : '';
    this.line(`${mark} ${phase.name} ${outcome === 'done' ? 'in' : 'failed after'} ${seconds(endedAt - phase.startedAt)}${last}`);
    if (this.live === phase) this.live = undefined;
  }

  /** @internal */
  redraw(phase: ActivePhase): void {
    if (this.live !== phase || !this.rewrites) return;
    const state = phase.lastState ? `  ${this.mask(phase.lastState)}` : '';
    const text = `⏳ ${phase.name}  ${seconds(this.now() - phase.startedAt)} / ${seconds(phase.timeoutMs)}${state}`;
    const width = Math.max(40, (this.out as { columns?: number }).columns ?? 120);
    this.out.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
  }

  private get rewrites(): boolean {
    return this.mode === 'normal' && Boolean(this.out.isTTY);
  }

  private line(text: string): void {
    if (this.mode === 'quiet') return;
    const stamp = this.mode === 'verbose' ? `${new Date(this.now()).toISOString().slice(11, 19)} ` : '';
    this.out.write(`${stamp}${text}\n`);
  }
}

export class ActivePhase implements PhaseObserver {
  lastState?: string;
  private ticker?: NodeJS.Timeout;
  private finished = false;

  constructor(
    private readonly progress: Progress,
    readonly name: string,
    readonly timeoutMs: number,
    readonly startedAt: number,
  ) {}

  observe(state: string): void {
    if (this.finished) return;
    const changed = state !== this.lastState;
    this.lastState = state;
    this.progress.observed(this, state, changed);
  }

  end(outcome: 'done' | 'failed'): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.ticker);
    this.progress.ended(this, outcome);
  }

  /** @internal On a terminal the elapsed time keeps moving even while nothing changes. */
  startTicker(): void {
    this.ticker = setInterval(() => this.progress.redraw(this), TICK_MS);
    this.ticker.unref();
    this.progress.redraw(this);
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

/** SUITE_PROGRESS=quiet|verbose switches the mode; anything else is normal. */
export function progressMode(value: string | undefined): ProgressMode {
  return value === 'quiet' || value === 'verbose' ? value : 'normal';
}
