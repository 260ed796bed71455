import { DeadlineExceededError } from '../errors';
import { type PhaseObserver, type Progress, silentPhase } from '../progress/progress';

/**
 * A point in time by which something must have happened. Waits race their condition against it and report the last
 * state they observed, so a timeout always says why. A deadline given the run's progress shows its wait as a phase.
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    private readonly progress?: Progress,
  ) {
    this.endsAt = Date.now() + timeoutMs;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  expired(): boolean {
    return this.remainingMs() === 0;
  }

  exceeded(lastObserved: string): DeadlineExceededError {
    return new DeadlineExceededError(this.what, this.timeoutMs, lastObserved);
  }

  /** Resolves after `ms` or at the deadline, whichever is first: the pause between two polls of a pull-only API. */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.min(ms, this.remainingMs())));
  }

  /** The phase this wait shows as (silent without a progress). */
  beginPhase(): PhaseObserver {
    return this.progress ? this.progress.begin(this.what, this.timeoutMs) : silentPhase;
  }

  /** Runs `work` as this deadline's phase: ended done or failed with its outcome. */
  async track<T>(work: (phase: PhaseObserver) => Promise<T>): Promise<T> {
    const phase = this.beginPhase();
    try {
      const value = await work(phase);
      phase.end('done');
      return value;
    } catch (error) {
      phase.end('failed');
      throw error;
    }
  }
}

export type { PhaseObserver } from '../progress/progress';
