import { DeadlineExceededError } from '../errors';

/**
 * A point in time by which something must have happened. Waits race their condition against it and report the last
 * state they observed, so a timeout always says why.
 */
export class Deadline {
  private readonly endsAt: number;

  constructor(
    readonly what: string,
    readonly timeoutMs: number,
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
}
