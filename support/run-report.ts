import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from '../src/provisioning/target';
import { progress } from '../src/progress/progress';
import { appendPhaseHistory, readPhaseHistory, summarizeRun } from '../src/report/phase-history';
import { renderPhaseTrendSvg } from '../src/report/phase-trend-svg';
import { describeRunEnvironment, environmentProperties } from '../src/report/run-environment';
import { renderTimelineSvg } from '../src/report/timeline-svg';
import { secrets } from '../src/secrets/secret-registry';
import { version as suiteVersion } from '../package.json';

/** What the run adds to the report beyond cucumber's own results: pictures of its phases and its environment. */

// Where this run's reports go (cucumber.js reads the same variable).
const reportsDir = process.env.REPORTS_DIR || 'reports';
const phaseHistoryFile = join(reportsDir, 'phase-history.jsonl');
const runStartedAt = Date.now();
const TREND_RUNS = 30;

export interface Picture {
  svg: string;
  fileName: string;
}

/** The feature's phases so far, and each story phase's duration over past runs with this one as the last point. */
export function phasePictures(featureName: string, featureStartedAt: number, targetKind: string): Picture[] {
  const phases = progress.phases(featureStartedAt);
  if (!phases.length) return [];
  const runs = [...readPhaseHistory(phaseHistoryFile).slice(-(TREND_RUNS - 1)), summarizeRun(progress.phases(runStartedAt), targetKind)];
  return [
    { svg: renderTimelineSvg(phases, `${featureName}: phases so far`), fileName: 'timeline.svg' },
    { svg: renderPhaseTrendSvg(runs, 'Story phase durations, run over run'), fileName: 'phase-trend.svg' },
  ];
}

/** At the end of the run: its phase durations join the history, and its environment goes to the report. */
export async function recordRun(target: Target): Promise<void> {
  appendPhaseHistory(phaseHistoryFile, summarizeRun(progress.phases(runStartedAt), target.kind));
  const resultsDir = join(reportsDir, 'allure-results');
  mkdirSync(resultsDir, { recursive: true });
  const environment = await describeRunEnvironment(target, suiteVersion);
  writeFileSync(join(resultsDir, 'environment.properties'), secrets.mask(environmentProperties(environment)));
}
