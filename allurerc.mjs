// Allure 3 report of the acceptance run: `npm run report` builds it, `npm run report:open` serves it.
// REPORTS_DIR moves results, report and history together, as it does for cucumber.js (tests use temp dirs).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { defineConfig } from 'allure';

const reports = process.env.REPORTS_DIR || 'reports';

// One list of failure categories: cucumber.js's. Allure 3's report plugins take categories from this config only,
// not from the categories.json the cucumber reporter writes into the results.
const { categories } = createRequire(import.meta.url)('./cucumber.js').default.formatOptions;

export default defineConfig({
  name: 'k3s on Proxmox VE: acceptance',
  resultsDir: join(reports, 'allure-results'),
  output: join(reports, 'allure-report'),
  // One line per run, so the report's trend charts and each test's history span runs; a run goes in once, however
  // often its report is made (scripts/report.sh marks its results .in-history).
  historyPath: join(reports, 'history.jsonl'),
  appendHistory: !existsSync(join(reports, 'allure-results', '.in-history')),
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
