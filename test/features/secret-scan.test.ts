import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findLeaks, isLabCredentialFile } from '../../src/secrets/report-scan';
import { runCucumber } from './run-cucumber';

describe('the scan of reports/ for secrets', () => {
  it('names the file holding a secret without repeating the secret, and skips the standalone lab\'s credentials', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-'));
    mkdirSync(join(dir, 'allure-results'));
    mkdirSync(join(dir, 'lab'));
    writeFileSync(join(dir, 'allure-results', 'x-attachment.txt'), 'K3S_TOKEN=K10abc::server:hunter2-long-password');
    writeFileSync(join(dir, 'lab', 'node-token'), 'K10abc::server:hunter2-long-password');
    writeFileSync(join(dir, 'cucumber-junit.xml'), '<ok/>');
    const leaks = findLeaks(dir, ['hunter2-long-password'], isLabCredentialFile);
    assert.deepEqual(leaks.map((leak) => leak.file), [join('allure-results', 'x-attachment.txt')]);
    assert.match(leaks[0].secret, /^secret of 21 characters, sha256 [0-9a-f]{12}…$/);
    assert.ok(!JSON.stringify(leaks).includes('hunter2'));
  });

  it('fails a cucumber run whose report carries a registered secret, after every formatter has written', async (t) => {
    const run = await runCucumber(['test/features/fixtures/leak.feature', '--require', 'test/features/fixtures/leak.steps.ts'], {}, t.signal);
    assert.equal(run.exitCode, 1, run.output);
    assert.match(run.output, /1 scenario \(1 passed\)/);
    assert.match(run.output, /SECRET LEAK: cucumber-messages\.ndjson contains a secret of 27 characters/);
    assert.match(run.output, /SECRET LEAK: allure-results\/.*-attachment\.txt contains a secret/);
    assert.ok(!run.output.includes('planted-secret-0f1e2d3c4b5a'), 'the console does not repeat it');
  });
});
