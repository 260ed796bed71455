import { join } from 'node:path';
import { readChangeFile } from '../src/changes/change-record';
import { summarizeChanges } from '../src/changes/change-summary';
import { renderRunbook } from '../src/changes/runbook';
import { appendPhaseHistory, readPhaseHistory, summarizeRun } from '../src/report/phase-history';
import { renderPhaseTrendSvg } from '../src/report/phase-trend-svg';
import { type RunAttachment, writeRunLevelResults } from '../src/report/run-level-results';
import { renderTimelineSvg } from '../src/report/timeline-svg';
import { describeRunEnvironment } from '../src/run/run-environment';
import type { SuiteRun } from '../src/run/suite-run';
import { version as suiteVersion } from '../package.json';

// What the run adds to the report beyond cucumber's own results: its changes, its environment, pictures of its phases.

/** The label the overview shows the run's changes under, in one line. */
export const CHANGES_SUMMARY = 'Changes made by this run';

export function reportsDirOf(env: Record<string, string | undefined>): string {
  return env.REPORTS_DIR || 'reports';
}

/** The run's changes so far as a runbook, those of the scenario that began at `scenarioStartedAt` marked. */
export function changesRunbook(run: SuiteRun, scenarioStartedAt: Date): string {
  return renderRunbook(run.changes.list(), run.id, scenarioStartedAt.toISOString());
}

/**
 * At the end of the run, while its target (and the lab behind it) still answers: its phase durations join the
 * history, and the report's overview gets its environment with the changes in one line, the whole runbook, the
 * timeline of every phase and the trend. The changes are read from the invocation's file, which the workers of a
 * parallel run share.
 */
export async function recordRun(run: SuiteRun, reportsDir: string): Promise<void> {
  const phases = run.progress.phases(run.startedAt);
  const historyFile = join(reportsDir, 'phase-history.jsonl');
  appendPhaseHistory(historyFile, summarizeRun(phases, { target: run.kind, conditions: run.conditions }));
  const changes = readChangeFile(run.changes.file);
  const summary = summarizeChanges(changes);
  const target = await run.openedTarget();
  const environment = target ? await describeRunEnvironment(target, run.conditions, suiteVersion, run.installChoiceMade()) : {};
  // The overview's metadata cuts long values short (the whole shows on a click); the attachment's name shows it whole.
  const masked = Object.fromEntries(Object.entries({ ...environment, Changes: summary }).map(([key, value]) => [key, run.secrets.mask(value)]));
  const attachments: RunAttachment[] = [{ name: `${CHANGES_SUMMARY}: ${summary}`, content: renderRunbook(changes, run.id), contentType: 'text/plain', fileExtension: '.txt' }];
  if (phases.length) {
    const worker = process.env.CUCUMBER_WORKER_ID ? ` (worker ${process.env.CUCUMBER_WORKER_ID})` : '';
    attachments.push(
      { name: `Timeline of the run's phases${worker}`, content: renderTimelineSvg(phases, `Every phase of run ${run.id}${worker}, in order`), contentType: 'image/svg+xml', fileExtension: '.svg' },
      { name: 'Trend: story phase durations, run over run', content: renderPhaseTrendSvg(readPhaseHistory(historyFile), 'Story phase durations, run over run'), contentType: 'image/svg+xml', fileExtension: '.svg' },
    );
  }
  const maskedAttachments = attachments.map((attachment) => ({ ...attachment, content: run.secrets.mask(attachment.content) }));
  writeRunLevelResults(join(reportsDir, 'allure-results'), masked, maskedAttachments);
}
