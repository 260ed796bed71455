import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IN_HISTORY_MARK, RESULTS_DIR, startResultsAfresh, UNREPORTED_DIR } from '../../src/report/last-run-results';

function reportsWith(files: string[]): string {
  const reports = mkdtempSync(join(tmpdir(), 'last-run-'));
  mkdirSync(join(reports, RESULTS_DIR));
  for (const file of files) writeFileSync(join(reports, RESULTS_DIR, file), '{}');
  return reports;
}

describe('each run\'s Allure results start afresh', () => {
  it('empties the results of a run that is already in the history', () => {
    const reports = reportsWith(['a-result.json', 'b-attachment.txt', IN_HISTORY_MARK]);
    assert.equal(startResultsAfresh(reports), undefined);
    assert.equal(existsSync(join(reports, RESULTS_DIR)), false);
    assert.equal(existsSync(join(reports, UNREPORTED_DIR)), false);
  });

  it('moves the results of a run nobody made a report of aside, for the next report to carry into the history', () => {
    const reports = reportsWith(['a-result.json', 'b-attachment.txt']);
    const aside = startResultsAfresh(reports, new Date('2026-12-03T16:00:00.000Z'));
    assert.equal(aside, join(reports, UNREPORTED_DIR, '2026-12-03T16-00-00-000Z'));
    assert.deepEqual(readdirSync(aside!).sort(), ['a-result.json', 'b-attachment.txt']);
    assert.equal(existsSync(join(reports, RESULTS_DIR)), false);
  });

  it('keeps nothing of a run that left no test results (only an environment, say)', () => {
    const reports = reportsWith(['environment.properties']);
    assert.equal(startResultsAfresh(reports), undefined);
    assert.equal(existsSync(join(reports, UNREPORTED_DIR)), false);
  });

  it('starts a first run without complaint', () => {
    const reports = mkdtempSync(join(tmpdir(), 'last-run-'));
    assert.equal(startResultsAfresh(reports), undefined);
  });
});
