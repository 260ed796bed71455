import { secrets } from '../src/secrets/secret-registry';
import { closeRun, ledgerDir, settleFailedRun } from './run-state';

/**
 * Ctrl-C or SIGTERM (a CI job cancelled) in the middle of a run: what the run created and did not keep is removed
 * before the process exits, as after a failed scenario. A second signal exits at once; the ledger on disk lets the
 * next run on the same target finish the job.
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
let interrupted = false;

for (const signal of Object.keys(EXIT_CODES) as Array<keyof typeof EXIT_CODES>) {
  process.on(signal, () => {
    const say = (message: string) => process.stderr.write(`${secrets.mask(message)}\n`);
    if (interrupted) {
      say(`${signal} again: exiting without finishing cleanup; the next run on this target removes the rest (${ledgerDir}).`);
      process.exit(EXIT_CODES[signal]);
    }
    interrupted = true;
    say(`${signal}: removing what this run created before exiting (send ${signal} again to skip)...`);
    void settleFailedRun({ note: say, attach: () => {} })
      .catch((error: Error) => say(`cleanup failed: ${error.message}; the next run on this target retries (${ledgerDir}).`))
      .then(() => closeRun())
      .finally(() => process.exit(EXIT_CODES[signal]));
  });
}
