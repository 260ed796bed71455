import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Where Allure's results of this run go, under REPORTS_DIR. */
export const RESULTS_DIR = 'allure-results';
/** Results of earlier runs that never became a report, waiting for `npm run report` to carry them into the history. */
export const UNREPORTED_DIR = 'allure-results-unreported';
/** Written by scripts/report.sh into a results folder once its run is in history.jsonl, so it is never counted twice. */
export const IN_HISTORY_MARK = '.in-history';

/**
 * The report is the last run: each run starts from an empty results folder. Results Allure has not yet carried into
 * the history (no report was made of that run) are moved aside rather than lost, so the trend still shows that run.
 * Returns where they went, if anywhere.
 */
export function startResultsAfresh(reportsDir: string, now = new Date()): string | undefined {
  const results = join(reportsDir, RESULTS_DIR);
  const unreported = hasResults(results) && !existsSync(join(results, IN_HISTORY_MARK));
  if (!unreported) {
    rmSync(results, { recursive: true, force: true });
    return undefined;
  }
  const aside = join(reportsDir, UNREPORTED_DIR, now.toISOString().replace(/[:.]/g, '-'));
  mkdirSync(join(reportsDir, UNREPORTED_DIR), { recursive: true });
  renameSync(results, aside);
  return aside;
}

function hasResults(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('-result.json'));
}
