import type { Progress } from '../progress/progress';
import { Deadline } from './deadline';
import { DEFAULT_TIMEOUTS, type SuiteTimeouts, type TimeoutName } from './suite-timeouts';

/**
 * How long each kind of wait may take in this run, and where waits show their progress. One per run, passed to
 * whatever waits; a scenario may shorten a timeout for itself (`the suite waits at most 3s for "install"`), and the
 * next scenario starts from the run's values again.
 */
export class Waits {
  private scenarioOverrides: Partial<SuiteTimeouts> = {};

  constructor(
    private readonly base: SuiteTimeouts,
    readonly progress?: Progress,
  ) {}

  /** Defaults everywhere, no progress output: for unit tests of one task. */
  static defaults(): Waits {
    return new Waits({ ...DEFAULT_TIMEOUTS });
  }

  timeout(name: TimeoutName): number {
    return this.scenarioOverrides[name] ?? this.base[name];
  }

  /** A deadline of the named kind from now, shown as a phase of the run while it is waited on. */
  deadline(name: TimeoutName, what: string): Deadline {
    return new Deadline(what, this.timeout(name), this.progress);
  }

  /** For the current scenario only. */
  override(name: TimeoutName, ms: number): void {
    this.scenarioOverrides = { ...this.scenarioOverrides, [name]: ms };
  }

  /** Back to the run's values, before each scenario. */
  resetOverrides(): void {
    this.scenarioOverrides = {};
  }
}
