import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCucumber } from './run-cucumber';

describe('several workers at once (features/parallel/)', () => {
  it('adds, proves and removes eight workers with --parallel 2, each worker process on its own embedded lab', { timeout: 5 * 60_000 }, async (t) => {
    const run = await runCucumber(['--parallel', '2', 'features/parallel/'], {}, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /8 scenarios \(8 passed\)/);
  });
});
