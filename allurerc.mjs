// Allure 3 report of the acceptance run: `npm run report` builds it, `npm run report:open` serves it.
// REPORTS_DIR moves results, report and history together, as it does for cucumber.js (tests use temp dirs).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'allure';

const reports = process.env.REPORTS_DIR || 'reports';
const history = join(reports, 'history.jsonl');

// A run goes into the history once, however often its report is made: scripts/report.sh marks its results
// .in-history once a report appended it. Its report made again reads the runs before it (the history without its own
// last line, in a scratch copy) and appends nothing.
const inHistory = existsSync(join(reports, 'allure-results', '.in-history'));
function historyBeforeThisRun() {
  const copy = join(mkdtempSync(join(tmpdir(), 'allure-history-')), 'history.jsonl');
  const lines = existsSync(history) ? readFileSync(history, 'utf8').split('\n').filter(Boolean) : [];
  writeFileSync(copy, lines.slice(0, -1).map((line) => `${line}\n`).join(''));
  return copy;
}

// One list of failure categories: cucumber.js's. Allure 3's report plugins take categories from this config only,
// not from the categories.json the cucumber reporter writes into the results.
const { categories } = createRequire(import.meta.url)('./cucumber.js').default.formatOptions;

export default defineConfig({
  name: 'k3s on Proxmox VE: acceptance',
  resultsDir: join(reports, 'allure-results'),
  output: join(reports, 'allure-report'),
  // One line per run, so the report's trend charts and each test's history span runs.
  historyPath: inHistory ? historyBeforeThisRun() : history,
  appendHistory: !inHistory,
  categories,
  plugins: {
    awesome: {
      options: {
        reportName: 'Add a k3s worker on Proxmox VE',
        reportLanguage: 'en',
        groupBy: ['epic', 'feature', 'story'],
      },
    },
  },
});
