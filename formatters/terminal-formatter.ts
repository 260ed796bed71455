import type { Envelope } from '@cucumber/messages';
import { ProgressPrinter, SummaryPrinter } from '@cucumber/pretty-formatter';

/** What cucumber-js hands a plugin formatter (cucumber exports no type for it). */
interface FormatterContext {
  on(key: 'message', handler: (envelope: Envelope) => void): void;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  options: { theme?: Record<string, unknown> };
}

/** Hook results a reader need not count: they are not steps of the feature, and they went as they should. */
const UNREMARKABLE = new Set(['PASSED', 'SKIPPED']);

/**
 * cucumber-js's own terminal output, made to live with the suite's progress and to count what the feature shows.
 * Where the suite draws its live line (stdout and stderr on a terminal, SUITE_PROGRESS normal) it owns the bottom
 * row and prints each scenario and its phases as they go, so cucumber's progress dots, which the live line would
 * erase, give way to cucumber's summary at the end; elsewhere (CI, a pipe) the dots stay. Either way a hook that
 * passed or was skipped is not counted as a step (cucumber counts each hook as one, so a file of 21 steps said 45);
 * a hook that failed is counted and reported as before. Attachments are not printed: they are in the reports.
 */
export default {
  type: 'formatter' as const,
  formatter({ on, stream, options }: FormatterContext) {
    const printerOptions = { includeAttachments: false, ...(options.theme ? { theme: options.theme } : {}) };
    const printer = suiteOwnsTheLine(stream)
      ? new SummaryPrinter({ stream, options: printerOptions })
      : new ProgressPrinter({ stream, options: { ...printerOptions, summarise: true } });
    const hookSteps = new Set<string>();
    on('message', (envelope) => {
      for (const step of envelope.testCase?.testSteps ?? []) if (step.hookId) hookSteps.add(step.id);
      const hookStep = envelope.testStepFinished && hookSteps.has(envelope.testStepFinished.testStepId) ? envelope.testStepFinished.testStepResult : undefined;
      const runHook = envelope.testRunHookFinished?.result;
      if (UNREMARKABLE.has(String((hookStep ?? runHook)?.status))) return;
      printer.update(envelope);
    });
  },
};

function suiteOwnsTheLine(stream: { isTTY?: boolean }): boolean {
  const mode = process.env.SUITE_PROGRESS;
  return Boolean(stream.isTTY && process.stderr.isTTY) && mode !== 'quiet' && mode !== 'verbose';
}
