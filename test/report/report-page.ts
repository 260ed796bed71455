import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: run scripts/install-test-tools.sh as root (apt-get install chromium)`;

/** Debian's Chromium, headless, with nothing of its own reaching the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens a served report and records every request the page makes outside it (an offline report makes none). */
export async function openReport(browser: Browser, url: string): Promise<{ page: Page; remoteRequests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.setDefaultTimeout(10_000);
  const remoteRequests: string[] = [];
  page.on('request', (request) => {
    // data: and blob: URLs are the page's own content (a previewed image attachment is shown from a blob).
    if (!request.url().startsWith(url) && !/^(data|blob):/.test(request.url())) remoteRequests.push(request.url());
  });
  await page.goto(url);
  await page.getByTestId('report-title').waitFor();
  return { page, remoteRequests };
}

/** The report's id of each test result by name: the awesome report shows a test at `#<id>`. */
export function testResultIds(reportDir: string): Map<string, string> {
  const dir = join(reportDir, 'data', 'test-results');
  return new Map(readdirSync(dir).map((file) => {
    const result = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    return [result.name as string, result.id as string];
  }));
}
