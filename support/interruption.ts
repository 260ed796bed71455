import { formatDuration } from '../src/progress/durations';
import type { Removal } from '../src/cleanup/remove-tracked';
import type { SuiteRun } from '../src/run/suite-run';

/**
 * Ctrl-C or SIGTERM (a CI job cancelled) in the middle of a run: the phase it cut short ends as interrupted (never
 * with a success mark), what the run created and did not keep is removed before the process exits, as after a failed
 * scenario, and one line sums up the run. A second signal exits at once; the ledger on disk lets the next run on the
 * same target finish the job.
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export function settleOnInterruption(run: SuiteRun): void {
  let interrupted = false;
  for (const signal of Object.keys(EXIT_CODES) as Array<keyof typeof EXIT_CODES>) {
    process.on(signal, () => {
      const say = (message: string) => run.progress.notice(message);
      if (interrupted) {
        say(`${signal} again: exiting without finishing cleanup; the next run on this target removes the rest (${run.ledgerDir}).`);
        process.exit(EXIT_CODES[signal]);
      }
      interrupted = true;
      const cut = run.interrupt(signal);
      const scenario = run.scenarios.current;
      say(`interrupted (${signal}): removing what this run created before exiting (send ${signal} again to skip)...`);
      void run
        .settleFailure({ note: say, attach: () => {} }, 'the interruption')
        .then(
          (removals) => say(interruptedSummary(run, signal, scenario, cut, removals)),
          (error: Error) => say(`interrupted (${signal}); cleanup failed: ${error.message}; the next run on this target retries (${run.ledgerDir}).`),
        )
        .then(() => run.close())
        .finally(() => process.exit(EXIT_CODES[signal]));
    });
  }
}

/**
 * The run in one line, after the cleanup's own lines: "interrupted (SIGINT) after 41 s, in "AC2 …" during k3s agent
 * installation on worker k3s-worker-01; scenarios before it: 1 passed; cleanup: 2 removed, 1 already gone".
 */
function interruptedSummary(run: SuiteRun, signal: string, scenario: string | undefined, cut: string[], removals: Removal[]): string {
  const where = [scenario ? `, in "${scenario}"` : '', cut.length ? ` during ${cut.join(', ')}` : ''].join('');
  const counts = new Map<string, number>();
  for (const removal of removals) counts.set(removal.outcome ?? 'NOT removed', (counts.get(removal.outcome ?? 'NOT removed') ?? 0) + 1);
  const cleanup = counts.size ? [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ') : 'nothing of this run\'s to remove';
  return `interrupted (${signal}) after ${formatDuration(Date.now() - run.startedAt)}${where}; scenarios before it: ${run.scenarios.describeEnded()}; cleanup: ${cleanup}.`;
}
