import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLab, type RunningLab } from '../../lab';
import { type ChangeEntry, readChangeFile } from '../../src/changes/change-record';
import { describeResource, readLedgerFiles, type TrackedResource } from '../../src/cleanup/cleanup-ledger';
import { runCucumber } from './run-cucumber';

// The run is interrupted as soon as its progress says the worker's container exists.
const CONTAINER_CREATED = /✔ CT 102 creation/;

function interruptOnce(signal: NodeJS.Signals): (output: string, child: ChildProcess) => void {
  let sent = false;
  return (output, child) => {
    if (sent || !CONTAINER_CREATED.test(output)) return;
    sent = true;
    child.kill(signal);
  };
}

/** The change that created a ledger resource: its own create, or for the Node and secret the agent makes, the install. */
function madeBy(resource: TrackedResource, change: ChangeEntry): boolean {
  if (resource.kind === 'node' || resource.kind === 'node-password-secret') return change.action === 'install';
  return change.action === 'create' && change.target.toLowerCase().startsWith(describeResource(resource).toLowerCase());
}

describe('a run interrupted in the middle leaves nothing behind', () => {
  let lab: RunningLab;
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-lab-interrupt-'));
  const ledgerDir = mkdtempSync(join(tmpdir(), 'k3s-ledger-'));
  let env: Record<string, string>;

  before(async () => {
    lab = await startLab({ stateDir });
    env = { ...lab.env, SUITE_PROGRESS: 'verbose', SUITE_LEDGER_DIR: ledgerDir };
  });
  after(async () => {
    await lab.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const workerLeft = () => ({
    container: lab.proxmox.containers.has(102),
    node: lab.k3s.store.get('nodes', undefined, 'k3s-worker-01') !== undefined,
    ledgers: readdirSync(ledgerDir),
  });

  it('SIGTERM (a cancelled CI job): the run removes what it created, then exits 143', async (t) => {
    const run = await runCucumber(['--profile', 'real', 'features/add-worker.feature'], env, t.signal, interruptOnce('SIGTERM'));
    assert.equal(run.exitCode, 143, run.output);
    assert.match(run.output, /interrupted \(SIGTERM\): removing what this run created before exiting/);
    assert.match(run.output, /^interrupted \(SIGTERM\) after [\d.]+ (ms|s), in "AC1 Worker Container Creation"(?: during [^;]+)?; scenarios before it: none had ended; cleanup: \d+ removed/m);
    assert.match(run.output, /cleanup: CT 102 \(k3s-worker-01\): removed/);
    assert.deepEqual(workerLeft(), { container: false, node: false, ledgers: [] });
  });

  it('SIGKILL (a crash): the ledger survives, and the next run removes the leftovers before it starts', async (t) => {
    const crashed = await runCucumber(['--profile', 'real', 'features/add-worker.feature'], env, t.signal, interruptOnce('SIGKILL'));
    assert.equal(crashed.exitCode, -1, 'killed');
    const left = workerLeft();
    assert.equal(left.container, true, 'the crash left the container');
    assert.equal(left.ledgers.length, 1, 'and its ledger');
    const crashedRunId = left.ledgers[0].replace('.jsonl', '');
    // Ledger and change record agree: whatever the ledger holds was created, and the record says by which change.
    const [ledger] = readLedgerFiles(ledgerDir);
    const changes = readChangeFile(join(crashed.reportsDir, 'changes.jsonl'));
    assert.ok(ledger.open.length > 0);
    for (const resource of ledger.open) {
      const made = changes.find((change) => madeBy(resource, change));
      assert.ok(made, `${describeResource(resource)} is on the ledger and in the change record (${changes.map((change) => change.target).join(', ')})`);
    }

    const next = await runCucumber(['--profile', 'real', 'features/add-worker.feature'], env, t.signal);
    assert.equal(next.exitCode, 0, next.output);
    const messages = readFileSync(join(next.reportsDir, 'cucumber-messages.ndjson'), 'utf8');
    assert.match(messages, new RegExp(`cleanup at start: leftover of run ${crashedRunId} \\(pid \\d+, [^)]+\\): CT 102 \\(k3s-worker-01\\) removed`));
    assert.deepEqual(readdirSync(ledgerDir), [], 'the crashed run\'s ledger is settled and gone; the passing run left none');
  });
});
