import { formatDuration } from './durations';
import { fitToWidth } from './terminal-width';

/** quiet: nothing; normal: a live line on a terminal, a line per change elsewhere; verbose: every line, timestamped. */
export type ProgressMode = 'quiet' | 'normal' | 'verbose';

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width in cells. */
  columns?: number;
}

/** How a phase ended: an interrupted one (Ctrl-C, SIGTERM) is neither done nor failed. */
export type PhaseOutcome = 'done' | 'failed' | 'interrupted';

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
  outcome: PhaseOutcome;
}

const TICK_MS = 1000;
const DEFAULT_COLUMNS = 80;
const MARKS: Record<PhaseOutcome, string> = { done: '✔', failed: '✖', interrupted: '✖' };

/**
 * Live progress of the long waits (Proxmox tasks, SSH, the install, Ready, Running): which phase, how long so far,
 * the deadline, and the last state observed. On a terminal one line is rewritten in place, cut to the terminal's
 * width in cells so it never wraps, and every other line is written above it; without one (CI) a plain line is
 * printed when the phase starts, when the observed state changes and when it ends — never a flood. It also keeps
 * each phase's start and end for the run's timeline.
 */
export class Progress {
  private readonly records: PhaseRecord[] = [];
  private readonly active: ActivePhase[] = [];
  /** Whether a live line is on the screen now (the cursor is at its end). */
  private shown = false;
  /** After Ctrl-C the process may exit any moment: no live line, only how each phase (the cleanup's) ended. */
  private interrupted = false;

  constructor(
    private readonly mode: ProgressMode,
    private readonly out: ProgressOutput,
    private readonly now: () => number = Date.now,
    /** Masks the run's secrets in what is printed (an observed state may quote a command's output). */
    private readonly mask: (text: string) => string = (text) => text,
  ) {}

  begin(name: string, timeoutMs: number): ActivePhase {
    const phase = new ActivePhase(this, name, timeoutMs, this.now());
    this.active.push(phase);
    if (this.rewrites) phase.startTicker();
    else if (!this.interrupted) this.line(`▶ ${name} (deadline ${seconds(timeoutMs)})`);
    return phase;
  }

  /** A scenario begins: its name as a heading, so the phases below it read as its own. */
  scenario(name: string): void {
    this.line(`${name}`);
  }

  /** A message that must be read whatever the mode (an interruption, its cleanup), written above the live line. */
  notice(text: string): void {
    this.write(`${this.mask(text)}\n`);
  }

  /** Ctrl-C or SIGTERM: every phase still running ends as interrupted, never as done, and says so. */
  interrupt(): PhaseRecord[] {
    for (const phase of [...this.active]) phase.interrupt();
    this.interrupted = true;
    return this.records.filter((record) => record.outcome === 'interrupted');
  }

  /** Phases that ended since `since` (ms epoch), oldest first. */
  phases(since = 0): PhaseRecord[] {
    return this.records.filter((record) => record.startedAt >= since);
  }

  /** @internal */
  observed(phase: ActivePhase, state: string, changed: boolean): void {
    if (this.rewrites) this.redraw(phase);
    else if ((changed && !this.interrupted) || this.mode === 'verbose') this.line(`  ${phase.name}: ${this.mask(state)} (${seconds(this.now() - phase.startedAt)})`);
  }

  /** @internal */
  ended(phase: ActivePhase, outcome: PhaseOutcome): void {
    const endedAt = this.now();
    this.records.push({ name: phase.name, startedAt: phase.startedAt, endedAt, outcome });
    this.active.splice(this.active.indexOf(phase), 1);
    const took = formatDuration(endedAt - phase.startedAt);
    const how = outcome === 'done' ? `in ${took}` : `${outcome} after ${took}`;
    const last = outcome === 'failed' && phase.lastState ? `: ${this.mask(phase.lastState)}` : '';
    this.line(`${MARKS[outcome]} ${phase.name} ${how}${last}`);
  }

  /** @internal Draws the live line of the innermost running phase, if it is this one. */
  redraw(phase: ActivePhase): void {
    if (this.active.at(-1) !== phase || !this.rewrites) return;
    const state = phase.lastState ? `  ${this.mask(phase.lastState)}` : '';
    const text = `⏳ ${phase.name}  ${seconds(this.now() - phase.startedAt)} / ${seconds(phase.timeoutMs)}${state}`;
    // One cell short of the width: a line that fills the last column wraps on some terminals.
    const columns = Math.max(20, this.out.columns ?? DEFAULT_COLUMNS) - 1;
    this.out.write(`\r\x1b[2K${fitToWidth(text.replace(/\s*\n\s*/g, ' '), columns)}`);
    this.shown = true;
  }

  private get rewrites(): boolean {
    return this.mode === 'normal' && Boolean(this.out.isTTY) && !this.interrupted;
  }

  private line(text: string): void {
    if (this.mode === 'quiet') return;
    const stamp = this.mode === 'verbose' ? `${new Date(this.now()).toISOString().slice(11, 19)} ` : '';
    this.write(`${stamp}${text}\n`);
  }

  /** Writes above the live line: clears it, writes, and draws it again below. */
  private write(text: string): void {
    if (this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
    this.out.write(text);
    const live = this.active.at(-1);
    if (live) this.redraw(live);
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

  /** Ends the phase; once it ended (or was interrupted) later ends change nothing. */
  end(outcome: 'done' | 'failed'): void {
    this.finish(outcome);
  }

  /** @internal */
  interrupt(): void {
    this.finish('interrupted');
  }

  /** @internal On a terminal the elapsed time keeps moving even while nothing changes. */
  startTicker(): void {
    this.ticker = setInterval(() => this.progress.redraw(this), TICK_MS);
    this.ticker.unref();
    this.progress.redraw(this);
  }

  private finish(outcome: PhaseOutcome): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.ticker);
    this.progress.ended(this, outcome);
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

/** SUITE_PROGRESS=quiet|verbose switches the mode; anything else is normal. */
export function progressMode(value: string | undefined): ProgressMode {
  return value === 'quiet' || value === 'verbose' ? value : 'normal';
}
