import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from './run-cucumber';
import { TmuxTerminal, tmuxMissing } from '../support/tmux-terminal';

// The main job as a person runs it, at the durations real systems take, in a real pseudo-terminal.
function mainJob(): string {
  const reports = mkdtempSync(join(tmpdir(), 'k3s-suite-reports-'));
  return `cd ${projectRoot} && env SUITE_PROGRESS=normal LAB_TIMING=1 REPORTS_DIR=${reports} npx cucumber-js features/add-worker.feature`;
}

const RUN_TIMEOUT_MS = 240_000;
const PHASES = [/^✔ CT 102 creation in /, /^✔ k3s agent installation on worker k3s-worker-01 in /, /^✔ node k3s-worker-01 Ready in /, /^✔ pod acceptance-nginx-\w+ Running in /, /^✔ test pod acceptance-nginx-\w+ deleted in /];

/** Rows a phase's outcome or a live line starts: what must never be left twice on the screen. */
const isPhaseRow = (row: string) => /^[✔✖⏳] /.test(row);

describe('the terminal a person reads during the main job', { skip: tmuxMissing, timeout: RUN_TIMEOUT_MS + 60_000 }, () => {
  it('at 80 and at 200 columns keeps one live line that never wraps, each phase once, and cucumber\'s summary after', async () => {
    await Promise.all([80, 200].map(async (columns) => {
      await using terminal = TmuxTerminal.start(mainJob(), columns, 50);
      assert.equal(await terminal.exitStatus(RUN_TIMEOUT_MS), 0, terminal.rows().join('\n'));
      const rows = terminal.rows().filter((row) => row.trim() !== '');
      const shown = `${columns} columns:\n${rows.join('\n')}`;
      assert.ok(rows.filter((row) => row.includes('⏳')).length <= 1, `at most one live line is left (${shown})`);
      const phaseRows = rows.filter(isPhaseRow);
      assert.deepEqual(phaseRows.filter((row, index) => phaseRows.indexOf(row) !== index), [], `no phase row twice (${shown})`);
      for (const phase of PHASES) assert.equal(rows.filter((row) => phase.test(row)).length, 1, `${phase} once (${shown})`);
      assert.deepEqual(rows.filter((row) => row.startsWith('Scenario: ')), ['Scenario: AC1 Worker Container Creation', 'Scenario: AC2 K3s Agent Installation', 'Scenario: AC3 Workload Scheduling']);
      assert.ok(rows.includes('3 scenarios (3 passed)') && rows.includes('21 steps (21 passed)'), `cucumber's summary, counting the feature's steps (${shown})`);
      assert.ok(!rows.some((row) => /^\.{3,}/.test(row)), `no progress dots for the live line to erase (${shown})`);
    }));
  });

  it('Ctrl-C during the install prints "interrupted", no success mark for the install, the cleanup and a one-line summary', async () => {
    await using terminal = TmuxTerminal.start(mainJob(), 80, 50);
    await terminal.waitForScreen(/⏳ k3s agent installation on worker k3s-worker-01/, RUN_TIMEOUT_MS);
    terminal.press('C-c');
    assert.equal(await terminal.exitStatus(120_000), 130, terminal.lines().join('\n'));
    const lines = terminal.lines().filter((line) => line !== '');
    const text = lines.join('\n');
    assert.match(text, /^✖ k3s agent installation on worker k3s-worker-01 interrupted after /m);
    assert.doesNotMatch(text, /✔ k3s agent installation/, 'the install it cut short has no success mark');
    assert.match(text, /^interrupted \(SIGINT\): removing what this run created before exiting/m);
    assert.match(text, /^cleanup: CT 102 \(k3s-worker-01\): removed$/m);
    assert.doesNotMatch(text, /the failure/, 'the interruption is called what it is');
    assert.match(lines.at(-1)!, /^interrupted \(SIGINT\) after [\d.]+ s, in "AC2 K3s Agent Installation" during k3s agent installation on worker k3s-worker-01; scenarios before it: 1 passed; cleanup: \d+ removed[^;]*\.$/, text);
    assert.doesNotMatch(text, /Scenario: AC3/, 'no scenario begins after the interruption');
    assert.ok(!terminal.screen().some((row) => row.includes('⏳')), 'no live line is left on the screen');
  });
});
