import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCucumber } from './run-cucumber';

describe('the nightly regression (npx cucumber-js --profile nightly)', () => {
  it('passes on the embedded lab once the story has added its worker, and removes its probe and test pods', { timeout: 5 * 60_000 }, async (t) => {
    const run = await runCucumber(['--profile', 'nightly'], {}, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /6 scenarios \(6 passed\)/);
  });
});
