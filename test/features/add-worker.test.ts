import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCucumber } from './run-cucumber';

/** The line of a feature's scenario, so a scenario can be run alone as `file:LINE`. */
function scenarioLine(feature: string, title: string): number {
  return readFileSync(feature, 'utf8').split('\n').findIndex((line) => line.includes(`Scenario: ${title}`)) + 1;
}

// A run that never ends fails here with its output rather than stalling CI.
const RUN_TIMEOUT = { timeout: 5 * 60_000 };

describe('the story on the embedded lab', () => {
  it('add-worker.feature: provisions, joins and proves scheduling (3 scenarios passed)', RUN_TIMEOUT, async (t) => {
    const run = await runCucumber(['features/add-worker.feature'], {}, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /3 scenarios \(3 passed\)/);
    const results = readdirSync(join(run.reportsDir, 'allure-results')).filter((file) => file.endsWith('-result.json'));
    const verdicts = results.map((file) => JSON.parse(readFileSync(join(run.reportsDir, 'allure-results', file), 'utf8'))).map((r) => `${r.name}: ${r.status}`);
    assert.deepEqual(verdicts.sort(), ['AC1 Worker Container Creation: passed', 'AC2 K3s Agent Installation: passed', 'AC3 Workload Scheduling: passed']);
  });

  it('add-second-worker.feature: the same steps build k3s-worker-02 at another VMID, address and size', RUN_TIMEOUT, async (t) => {
    const run = await runCucumber(['features/add-second-worker.feature'], {}, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /3 scenarios \(3 passed\)/);
  });

  for (const title of ['AC2 K3s Agent Installation', 'AC3 Workload Scheduling']) {
    it(`runs "${title}" alone: its Given builds what it needs`, RUN_TIMEOUT, async (t) => {
      const run = await runCucumber([`features/add-worker.feature:${scenarioLine('features/add-worker.feature', title)}`], {}, t.signal);
      assert.equal(run.exitCode, 0, run.output);
      assert.match(run.output, /1 scenario \(1 passed\)/);
    });
  }
});
