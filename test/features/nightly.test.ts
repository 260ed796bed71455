import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCucumber } from './run-cucumber';

describe('the nightly regression (npx cucumber-js --profile nightly)', () => {
  it('passes on the embedded lab once the story has added its worker, and removes its probe and test pods', { timeout: 5 * 60_000 }, async (t) => {
    const run = await runCucumber(['--profile', 'nightly'], {}, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /6 scenarios \(6 passed\)/);
  });

  it('with the rehearsal, adds a worker at a free VMID and an address nothing answers at (the printer at .22 does), and removes it the k3s way', { timeout: 5 * 60_000 }, async (t) => {
    const run = await runCucumber(['--profile', 'nightly-rehearsal'], {}, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /7 scenarios \(7 passed\)/);
    const messages = readFileSync(join(run.reportsDir, 'cucumber-messages.ndjson'), 'utf8');
    assert.match(messages, /rehearsal worker k3s-rehearsal: CT 101 at 192\.168\.2\.23; skipped 192\.168\.2\.22 \(a host that answers ping on the LAN\)/);
    assert.match(messages, /cordoned and drained k3s-rehearsal \(1 pod\(s\) evicted\)/);
  });
});
