import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { projectRoot, runCucumber } from '../features/run-cucumber';
import { generateReport, serveReport } from './served-report';
import { chromiumMissing, launchChromium, openReport, testResultIds } from './report-page';

const REPORT_TIMEOUT = { timeout: 300_000, skip: chromiumMissing };
const STORY_BASE_URL = 'https://stories.example.test/story/';

// Each criterion's page: a step as the story words it, and the step that proves it with its named proof and a line of it.
const CRITERIA = {
  'AC1 Worker Container Creation': {
    step: 'When I create an LXC container with 4 vCPU, 8GB RAM, 50GB disk at 192.168.2.21',
    proofs: [{ step: 'And SSH access is available with key-based authentication', attachment: 'SSH login to k3s-worker-01: key accepted, password refused', shows: /offered a password \(18 random bytes, base64\): refused/ }],
  },
  'AC2 K3s Agent Installation': {
    step: 'When I run the K3s agent installation with the server URL and node token',
    proofs: [{ step: 'Then the agent joins the cluster successfully', attachment: 'Joined: node k3s-worker-01 registered, k3s-agent active', shows: /kubelet\s+v1\.34\.3\+k3s1/ }],
  },
  'AC3 Workload Scheduling': {
    step: 'When I deploy a test pod without node selector',
    proofs: [
      { step: 'Then the pod schedules to the worker node (not master)', attachment: /^Placement: pod acceptance-nginx-\w+ on the worker k3s-worker-01$/, shows: /Scheduled from default-scheduler: Successfully assigned default\/acceptance-nginx-\w+ to k3s-worker-01/ },
      { step: 'And the pod reaches Running state', attachment: /^log of pod acceptance-nginx-\w+ \(kubectl logs\)$/, shows: /kubectl -n default logs acceptance-nginx-\w+/ },
    ],
  },
};

/** Where this test's screenshots go: its own temporary folder, never the user's reports/. */
function screenshotFolder(t: TestContext): string {
  const folder = mkdtempSync(join(tmpdir(), 'report-screenshots-'));
  t.diagnostic(`screenshots: ${folder}`);
  return folder;
}

/** Opens a step of the test body and, in it, the attachment of that name, in place (no download, no new tab). */
async function openProof(page: Page, step: string, attachment: string | RegExp) {
  const stepItem = page.getByTestId('test-result-step').filter({ has: page.getByTestId('test-result-step-title').getByText(step, { exact: true }) }).first();
  await stepItem.getByTestId('test-result-step-header').first().click();
  const item = stepItem.getByTestId('test-result-attachment').filter({ has: page.getByTestId('test-result-attachment-header').getByText(attachment) }).first();
  await item.getByTestId('test-result-attachment-header').click();
  return item;
}

describe('the Allure report of a run, opened in a browser', () => {
  it('is the last of two runs: 3 passed, no retries, each criterion\'s named proof on its step, the specification as its table, the changes on the overview, offline', REPORT_TIMEOUT, async (t) => {
    const reportsDir = mkdtempSync(join(tmpdir(), 'k3s-suite-reports-'));
    // Relative to the project, as the default reports/ is (outside it, so npm test leaves reports/ alone).
    const REPORTS_DIR = relative(projectRoot, reportsDir);
    const first = await runCucumber(['features/add-worker.feature'], { REPORTS_DIR }, t.signal);
    assert.equal(first.exitCode, 0, first.output);
    const second = await runCucumber(['features/add-worker.feature'], { REPORTS_DIR, STORY_BASE_URL }, t.signal);
    assert.equal(second.exitCode, 0, second.output);
    await generateReport(REPORTS_DIR, t.signal);
    const reportDir = join(reportsDir, 'allure-report');
    const shots = screenshotFolder(t);

    const summary = JSON.parse(readFileSync(join(reportDir, 'summary.json'), 'utf8'));
    assert.deepEqual({ total: summary.stats.total, passed: summary.stats.passed, retries: summary.stats.retries ?? 0 }, { total: 3, passed: 3, retries: 0 });
    assert.deepEqual([summary.retryTests, summary.flakyTests], [[], []], 'no retried or flaky tests: the first run is history, not a retry');
    assert.equal(readFileSync(join(reportsDir, 'history.jsonl'), 'utf8').trim().split('\n').length, 2, 'both runs are in the history');
    await generateReport(REPORTS_DIR, t.signal);
    assert.equal(readFileSync(join(reportsDir, 'history.jsonl'), 'utf8').trim().split('\n').length, 2, 'a run is in the history once, however often its report is made');
    assert.ok(!readdirSync(reportDir).includes('awesome'), 'a report made again replaces the old one');

    const results = readdirSync(join(reportDir, 'data', 'test-results')).map((file) => JSON.parse(readFileSync(join(reportDir, 'data', 'test-results', file), 'utf8')));
    // allure-cucumberjs names each set-up and tear-down after its hook's name; Allure shows a nameless one as "Unknown test".
    const hooks = results.flatMap((result) => [...result.setup, ...result.teardown].map((fixture: { name?: string }) => fixture.name));
    assert.ok(hooks.length >= 3 * 7 && hooks.every((name) => name && name !== 'Unknown test'), `every hook is named: ${hooks.join(', ')}`);
    const attachments = JSON.stringify(results).match(/"link":\{[^}]*\}/g) ?? [];
    assert.ok(attachments.length > 20, `the results carry their evidence (${attachments.length} attachments)`);
    for (const link of attachments) {
      const { name, contentType } = JSON.parse(`{${link}}`).link;
      assert.notEqual(name, 'Attachment', `every attachment is named (${link})`);
      assert.match(contentType, /^(text\/plain|text\/csv|application\/json|image\/svg\+xml|image\/png)$/, `"${name}" opens in the browser`);
    }
    assert.doesNotMatch(readFileSync(join(reportDir, 'index.html'), 'utf8'), /https?:\/\/(?!www\.w3\.org)/, 'the report page loads nothing remote');

    await using served = await serveReport(reportDir);
    const browser = await launchChromium();
    try {
      const { page, remoteRequests } = await openReport(browser, served.url);
      const metadata = await page.getByTestId('metadata-list').innerText();
      assert.match(metadata, /Target\s+embedded lab \(default profile\)/);
      assert.match(metadata, /Proxmox VE\s+8\.4\.1 \(node pve\)/);
      assert.match(metadata, /k3s\s+v1\.34\.3\+k3s1/);
      assert.match(metadata, /k3s agent install\s+v1\.34\.3\+k3s1, pinned to the server's version v1\.34\.3\+k3s1 \(GET \/version\)/);
      const summaryLine = 'created, configured and started CT 102 on pve, downloaded the k3s installer to /root/k3s-install.sh on worker k3s-worker-01, installed k3s agent v1.34.3+k3s1 on worker k3s-worker-01, created and deleted 1 pod';
      assert.ok(metadata.includes(`Changes\n${summaryLine}`), `the changes in one line among the metadata: ${metadata}`);
      await page.screenshot({ path: join(shots, 'overview.png'), fullPage: true });

      await page.getByText('Global Attachments').first().click();
      await page.getByText(`Changes made by this run: ${summaryLine}`).waitFor();
      await page.getByText('Timeline of the run\'s phases').first().click();
      await page.locator('img').first().waitFor();
      await page.screenshot({ path: join(shots, 'overview-timeline.png'), fullPage: true });
      await page.getByText('Timeline of the run\'s phases').first().click();
      await page.getByText('Trend: story phase durations, run over run').first().click();
      await page.locator('img').first().waitFor();
      await page.screenshot({ path: join(shots, 'overview-trend.png'), fullPage: true });

      const ids = testResultIds(reportDir);
      for (const [name, expected] of Object.entries(CRITERIA)) {
        await page.goto(`${served.url}#${ids.get(name)}`);
        const body = page.locator('body');
        await body.getByText(name, { exact: true }).first().waitFor();
        const text = await body.innerText();
        assert.match(text, new RegExp(`${name}\\s+Passed`), `${name} shows as passed`);
        assert.ok(text.includes(expected.step), `${name} shows its step "${expected.step}"`);
        assert.ok(text.includes(`${STORY_BASE_URL}1.2`), `${name} links its story`);
        assert.ok(!/Unknown test/.test(text), `${name}: every hook has a name`);
        assert.match(text, /Set up[\s\S]*enter the scenario[\s\S]*Tear down[\s\S]*clean up the test pod/);
        const code = name.split(' ')[0];
        for (const [index, proof] of expected.proofs.entries()) {
          const item = await openProof(page, proof.step, proof.attachment);
          await item.getByText(proof.shows).first().waitFor();
          assert.match(await item.innerText(), proof.shows, `${name}: "${proof.step}" shows its proof in place`);
          await item.scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(shots, `${code}-proof-${index + 1}.png`) });
        }
        if (name === 'AC1 Worker Container Creation') {
          const table = (await openProof(page, 'Given the worker specification:', 'Data table')).getByTestId('table-attachment-content');
          await table.locator('tbody tr').first().waitFor();
          const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
          assert.equal(rows.length, 13, 'the specification table has its 13 rows');
          assert.deepEqual(rows[0], ['vmid', '102']);
          assert.deepEqual(rows.find((row) => row[0] === 'features'), ['features', 'nesting=1,keyctl=1,fuse=1']);
          await table.scrollIntoViewIfNeeded();
          await page.screenshot({ path: join(shots, 'AC1-specification.png') });
        }
      }

      await page.goto(`${served.url}#${ids.get('AC3 Workload Scheduling')}`);
      await page.getByTestId('test-result-tab-history').click();
      await page.getByTestId('test-result-history-item').first().waitFor();
      assert.equal(await page.getByTestId('test-result-history-item').count(), 1, 'the history shows the first run');
      await page.screenshot({ path: join(shots, 'AC3-history.png'), fullPage: true });
      const trend = readdirSync(join(reportDir, 'data', 'attachments')).map((file) => readFileSync(join(reportDir, 'data', 'attachments', file), 'utf8')).find((text) => text.includes('Story phase durations, run over run'));
      assert.match(trend ?? '', /embedded lab: 2 runs/, 'the phase trend shows both runs');
      assert.deepEqual(remoteRequests, [], 'the report asks nothing of the network');
    } finally {
      await browser.close();
    }
  });

  it('files a refused specification under "Bad input (nothing was created)", once: the story\'s later scenarios are skipped; no story link without STORY_BASE_URL', REPORT_TIMEOUT, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-feature-'));
    const feature = join(dir, 'bad.feature');
    writeFileSync(feature, readFileSync(join(projectRoot, 'features/add-worker.feature'), 'utf8').replace('| memory        | 8GB  ', '| memory        | 8 GiB'));
    const run = await runCucumber([feature], { STORY_BASE_URL: '' }, t.signal);
    assert.notEqual(run.exitCode, 0);
    const reportDir = await generateReport(run.reportsDir, t.signal);
    const shots = screenshotFolder(t);
    await using served = await serveReport(reportDir);
    const browser = await launchChromium();
    try {
      const { page } = await openReport(browser, served.url);
      await page.getByText('Categories').first().click();
      await page.getByText('Bad input (nothing was created)').first().click();
      await page.getByText('AC1 Worker Container Creation').first().waitFor();
      await page.screenshot({ path: join(shots, 'categories.png'), fullPage: true });
      const text = await page.locator('body').innerText();
      assert.match(text, /Categories\s+1\b/, 'one category: nothing else broke');
      assert.ok(text.includes('AC1 Worker Container Creation'), 'the refused scenario is filed under Bad input');
      for (const name of ['AC2 K3s Agent Installation', 'AC3 Workload Scheduling']) assert.ok(!text.includes(name), `${name} is skipped, not filed again`);
      const results = readdirSync(join(reportDir, 'data', 'test-results')).map((file) => readFileSync(join(reportDir, 'data', 'test-results', file), 'utf8'));
      assert.ok(results.every((result) => !/"links":\[\{/.test(result)), 'no story link without STORY_BASE_URL');
    } finally {
      await browser.close();
    }
  });
});
