import type { SuiteRun } from '../src/run/suite-run';

/**
 * The run of this process, from the BeforeAll hook that starts it to the AfterAll hook that closes it. Cucumber
 * builds a World per scenario and gives hooks no other shared place, so this one binding hands the run to each World
 * (`this.run`) and to the process-level handlers (interruption, the secret check at exit).
 */
let current: SuiteRun | undefined;

export function holdRun(run: SuiteRun): void {
  current = run;
}

export function heldRun(): SuiteRun | undefined {
  return current;
}

export function currentRun(): SuiteRun {
  if (!current) throw new Error('no run: support/hooks.ts starts it in BeforeAll');
  return current;
}

export function releaseRun(): void {
  current = undefined;
}
