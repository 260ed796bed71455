import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FAULT_SWITCHES } from '../../lab/fault-switches';
import { projectRoot, runCucumber } from './run-cucumber';

describe('the fault scenarios (features/faults/)', () => {
  it('all pass on the embedded lab: every fault is reported in the operator\'s words and leaves nothing behind', { timeout: 8 * 60_000 }, async (t) => {
    const run = await runCucumber(['features/faults/'], {}, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /(\d+) scenarios \(\1 passed\)/);
  });

  it('use every fault switch the lab has, and only those', () => {
    const used = new Set<string>();
    for (const file of readdirSync(join(projectRoot, 'features/faults'))) {
      const text = readFileSync(join(projectRoot, 'features/faults', file), 'utf8');
      for (const match of text.matchAll(/@fault:([a-z0-9-]+)/g)) used.add(match[1]);
    }
    assert.deepEqual([...used].sort(), Object.keys(FAULT_SWITCHES).sort());
  });
});
