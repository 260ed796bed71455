import type { SuiteRun } from '../src/run/suite-run';

/**
 * Ctrl-C or SIGTERM (a CI job cancelled) in the middle of a run: what the run created and did not keep is removed
 * before the process exits, as after a failed scenario. A second signal exits at once; the ledger on disk lets the
 * next run on the same target finish the job.
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export function settleOnInterruption(run: SuiteRun): void {
  let interrupted = false;
  for (const signal of Object.keys(EXIT_CODES) as Array<keyof typeof EXIT_CODES>) {
    process.on(signal, () => {
      const say = (message: string) => process.stderr.write(`${run.secrets.mask(message)}\n`);
      if (interrupted) {
        say(`${signal} again: exiting without finishing cleanup; the next run on this target removes the rest (${run.ledgerDir}).`);
        process.exit(EXIT_CODES[signal]);
      }
      interrupted = true;
      say(`${signal}: removing what this run created before exiting (send ${signal} again to skip)...`);
      void run
        .settleFailure({ note: say, attach: () => {} })
        .catch((error: Error) => say(`cleanup failed: ${error.message}; the next run on this target retries (${run.ledgerDir}).`))
        .then(() => run.close())
        .finally(() => process.exit(EXIT_CODES[signal]));
    });
  }
}
