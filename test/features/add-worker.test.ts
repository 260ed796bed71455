import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCucumber } from './run-cucumber';

function allureResults(reportsDir: string): any[] {
  const dir = join(reportsDir, 'allure-results');
  return readdirSync(dir).filter((file) => file.endsWith('-result.json')).map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')));
}

/** The line of a feature's scenario, so a scenario can be run alone as `file:LINE`. */
function scenarioLine(feature: string, title: string): number {
  return readFileSync(feature, 'utf8').split('\n').findIndex((line) => line.includes(`Scenario: ${title}`)) + 1;
}

// A run that never ends fails here with its output rather than stalling CI.
const RUN_TIMEOUT = { timeout: 5 * 60_000 };

describe('the story on the embedded lab', () => {
  it('add-worker.feature: provisions, joins and proves scheduling (3 scenarios passed), labelled for sign-off', RUN_TIMEOUT, async (t) => {
    const run = await runCucumber(['features/add-worker.feature'], { STORY_BASE_URL: 'https://wiki.example.test/stories/' }, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /3 scenarios \(3 passed\)/);
    const results = allureResults(run.reportsDir);
    assert.deepEqual(results.map((result) => `${result.name}: ${result.status}`).sort(), ['AC1 Worker Container Creation: passed', 'AC2 K3s Agent Installation: passed', 'AC3 Workload Scheduling: passed']);
    for (const result of results) {
      const label = (name: string) => result.labels.find((entry: { name: string }) => entry.name === name)?.value;
      assert.deepEqual(['epic', 'story', 'severity', 'owner', 'feature'].map(label), ['k3s-cluster-growth', '1.2', 'critical', 'cluster-operators', 'Add first worker node']);
      assert.deepEqual(result.links, [{ url: 'https://wiki.example.test/stories/1.2', type: 'story' }]);
    }
    const environment = readFileSync(join(run.reportsDir, 'allure-results', 'environment.properties'), 'utf8');
    assert.match(environment, /^Target=embedded lab \(default profile\)$/m);
    assert.match(environment, /^Proxmox\\ VE=8\.4\.1 \(node pve\)$/m);
    assert.match(environment, /^k3s=v1\.34\.3\+k3s1$/m);
    assert.match(environment, /^Nodes=k3s-master, k3s-worker-01$/m);
  });

  it('refuses a bad specification before anything is created, in the report\'s "Bad input" category, and skips the story\'s later scenarios', RUN_TIMEOUT, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-feature-'));
    const feature = join(dir, 'bad.feature');
    writeFileSync(feature, readFileSync('features/add-worker.feature', 'utf8').replace('| memory        | 8GB  ', '| memory        | 8 GiB'));
    const run = await runCucumber([feature], {}, t.signal);
    assert.notEqual(run.exitCode, 0);
    assert.match(run.output, /memory "8 GiB": "8 GiB" is not a size in the story's notation\. Fix: write a whole number directly followed by MB, GB or TB/);
    assert.equal(run.output.split('is not a size in the story\'s notation').length - 1, 1, 'the refusal is printed once');
    assert.doesNotMatch(run.output, /^\s+at /m, 'with its fix, and no stack frames (SUITE_PROGRESS=verbose shows them)');
    assert.match(run.output, /3 scenarios \(2 skipped, 1 failed\)/);
    assert.doesNotMatch(run.output, /Proxmox task log/);
    const categories: Array<{ name: string; traceRegex: string }> = JSON.parse(readFileSync(join(run.reportsDir, 'allure-results', 'categories.json'), 'utf8'));
    const results = allureResults(run.reportsDir);
    assert.deepEqual(results.map((result) => result.status).sort(), ['broken', 'skipped', 'skipped']);
    for (const result of results.filter((candidate) => candidate.status !== 'skipped')) {
      // Allure matches a category's regex against the whole trace.
      const category = categories.find((candidate) => new RegExp(`^(?:${candidate.traceRegex})$`).test(result.statusDetails.trace));
      assert.equal(category?.name, 'Bad input (nothing was created)', result.name);
    }
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

describe('the story\'s scheduling criterion against a bigger master (the scheduler\'s scores)', () => {
  it('with a 16-core, 64 GiB master the free pod lands there, and AC3 fails saying why, not by timing out', RUN_TIMEOUT, async (t) => {
    const run = await runCucumber(['features/add-worker.feature'], { LAB_K3S_MASTER: 'cpus=16,memory=64GB' }, t.signal);
    assert.notEqual(run.exitCode, 0);
    assert.match(run.output, /3 scenarios \(2 passed, 1 failed\)/);
    assert.match(run.output, /SchedulingFailure: pod acceptance-nginx-[0-9a-f]+ was scheduled to the control-plane node k3s-master, not the worker k3s-worker-01\. k3s servers carry no NoSchedule taint by default/);
    assert.match(run.output, /less loaded \(k3s-master has 16 CPUs and [^,]+ memory allocatable, k3s-worker-01 4 CPUs/);
    assert.doesNotMatch(run.output, /not reached after/);
  });
});
