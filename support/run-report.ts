import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRunbook } from '../src/changes/runbook';
import { appendPhaseHistory, readPhaseHistory, summarizeRun } from '../src/report/phase-history';
import { renderPhaseTrendSvg } from '../src/report/phase-trend-svg';
import { describeRunEnvironment, environmentProperties } from '../src/run/run-environment';
import { renderTimelineSvg } from '../src/report/timeline-svg';
import type { SuiteRun } from '../src/run/suite-run';
import { version as suiteVersion } from '../package.json';

/** What the run adds to the report beyond cucumber's own results: pictures of its phases, its changes, its environment. */

const TREND_RUNS = 30;

export interface Picture {
  svg: string;
  fileName: string;
}

export function reportsDirOf(env: Record<string, string | undefined>): string {
  return env.REPORTS_DIR || 'reports';
}

/** The feature's phases so far, and each story phase's duration over past runs with this one as the last point. */
export function phasePictures(run: SuiteRun, reportsDir: string, featureName: string): Picture[] {
  const phases = run.progress.phases(run.sessionStartedAt);
  if (!phases.length) return [];
  const history = readPhaseHistory(join(reportsDir, 'phase-history.jsonl'));
  const runs = [...history.slice(-(TREND_RUNS - 1)), summarizeRun(run.progress.phases(run.startedAt), run.kind)];
  return [
    { svg: renderTimelineSvg(phases, `${featureName}: phases so far`), fileName: 'timeline.svg' },
    { svg: renderPhaseTrendSvg(runs, 'Story phase durations, run over run'), fileName: 'phase-trend.svg' },
  ];
}

/** The run's changes so far as a runbook, those of the scenario that began at `scenarioStartedAt` marked. */
export function changesRunbook(run: SuiteRun, scenarioStartedAt: Date): string {
  return renderRunbook(run.changes.list(), run.id, scenarioStartedAt.toISOString());
}

/** At the end of the run: its phase durations join the history, and its environment goes to the report. */
export async function recordRun(run: SuiteRun, reportsDir: string): Promise<void> {
  const target = await run.openedTarget();
  if (!target) return;
  appendPhaseHistory(join(reportsDir, 'phase-history.jsonl'), summarizeRun(run.progress.phases(run.startedAt), run.kind));
  const resultsDir = join(reportsDir, 'allure-results');
  mkdirSync(resultsDir, { recursive: true });
  const environment = await describeRunEnvironment(target, suiteVersion);
  writeFileSync(join(resultsDir, 'environment.properties'), run.secrets.mask(environmentProperties(environment)));
}
