import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot, runCucumber } from '../features/run-cucumber';
import { generateReport, serveReport } from './served-report';
import { chromiumMissing, launchChromium, openReport, testResultIds } from './report-page';

const REPORT_TIMEOUT = { timeout: 120_000, skip: chromiumMissing };

// What each acceptance criterion's page must show: its steps, as the story words them, and one piece of evidence.
const CRITERIA = {
  'AC1 Worker Container Creation': { step: 'When I create an LXC container with 4 vCPU, 8GB RAM, 50GB disk at 192.168.2.21', attachment: 'Proxmox task log: create CT 102' },
  'AC2 K3s Agent Installation': { step: 'When I run the K3s agent installation with the server URL and node token', attachment: undefined },
  'AC3 Workload Scheduling': { step: 'Then the pod schedules to the worker node (not master)', attachment: undefined },
};

describe('the Allure report of a run, opened in a browser', () => {
  it('shows the three criteria passed with their steps and evidence, the environment and the story link, offline', REPORT_TIMEOUT, async (t) => {
    const run = await runCucumber(['features/add-worker.feature'], {}, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    const reportDir = await generateReport(run.reportsDir, t.signal);
    assert.doesNotMatch(readFileSync(join(reportDir, 'index.html'), 'utf8'), /https?:\/\/(?!www\.w3\.org)/, 'the report page loads nothing remote');
    await using served = await serveReport(reportDir);
    const browser = await launchChromium();
    try {
      const { page, remoteRequests } = await openReport(browser, served.url);
      const metadata = await page.getByTestId('metadata-list').innerText();
      assert.match(metadata, /Proxmox VE\s+8\.4\.1 \(node pve\)/);
      assert.match(metadata, /k3s\s+v1\.34\.3\+k3s1/);
      const ids = testResultIds(reportDir);
      for (const [name, expected] of Object.entries(CRITERIA)) {
        await page.goto(`${served.url}#${ids.get(name)}`);
        const body = page.locator('body');
        await body.getByText(name, { exact: true }).first().waitFor();
        const text = await body.innerText();
        assert.match(text, new RegExp(`${name}\\s+Passed`), `${name} shows as passed`);
        assert.ok(text.includes(expected.step), `${name} shows its step "${expected.step}"`);
        assert.ok(text.includes('https://stories.example.invalid/story/1.2'), `${name} links its story`);
        if (expected.attachment) {
          await page.getByRole('button', { name: /^Attachments/ }).or(page.getByRole('tab', { name: /^Attachments/ })).first().click();
          await page.getByText(expected.attachment).first().waitFor();
          await page.getByText(expected.attachment).first().click();
          await page.waitForTimeout(300);
          mkdirSync(join(projectRoot, 'reports'), { recursive: true });
          await page.screenshot({ path: join(projectRoot, 'reports', 'allure-report-screenshot.png'), fullPage: true });
        }
      }
      assert.deepEqual(remoteRequests, [], 'the report asks nothing of the network');
    } finally {
      await browser.close();
    }
  });

  it('files a refused specification under "Bad input (nothing was created)", once: the story\'s later scenarios are skipped', REPORT_TIMEOUT, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-feature-'));
    const feature = join(dir, 'bad.feature');
    writeFileSync(feature, readFileSync(join(projectRoot, 'features/add-worker.feature'), 'utf8').replace('| memory        | 8GB  ', '| memory        | 8 GiB'));
    const run = await runCucumber([feature], {}, t.signal);
    assert.notEqual(run.exitCode, 0);
    const reportDir = await generateReport(run.reportsDir, t.signal);
    await using served = await serveReport(reportDir);
    const browser = await launchChromium();
    try {
      const { page } = await openReport(browser, served.url);
      await page.getByText('Categories').first().click();
      await page.getByText('Bad input (nothing was created)').first().click();
      await page.getByText('AC1 Worker Container Creation').first().waitFor();
      await page.screenshot({ path: join(projectRoot, 'reports', 'allure-report-categories-screenshot.png'), fullPage: true });
      const text = await page.locator('body').innerText();
      assert.match(text, /Categories\s+1\b/, 'one category: nothing else broke');
      assert.ok(text.includes('AC1 Worker Container Creation'), 'the refused scenario is filed under Bad input');
      for (const name of ['AC2 K3s Agent Installation', 'AC3 Workload Scheduling']) assert.ok(!text.includes(name), `${name} is skipped, not filed again`);
    } finally {
      await browser.close();
    }
  });
});
