import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CleanupLedger, newLedgerRun, untracked } from '../../src/cleanup/cleanup-ledger';
import { settleAfterFailure } from '../../src/cleanup/failure-policy';
import { sweepLeftovers } from '../../src/cleanup/sweep-leftovers';
import type { Evidence } from '../../src/report/evidence';
import { provisionContainer } from '../../src/provisioning/provision-container';
import { WorkerBuild } from '../../src/story/worker-build';
import { useLabTarget } from '../support/lab-target';
import { workContext } from '../support/open-target';
import { storySpec } from '../support/story-spec';

function notes(): Evidence & { notes: string[] } {
  const collected: string[] = [];
  return { notes: collected, note: (message: string) => void collected.push(message), attach: () => {} };
}

const TARGET_ID = 'lab test target';

function specFor(vmid: number, hostname: string) {
  return storySpec({ vmid: String(vmid), hostname, cores: '1', memory: '1GB', disk: '8GB', address: `192.168.2.${vmid - 70}/24` });
}

describe('what a failed run leaves behind', () => {
  const env = useLabTarget();

  /** A build whose create succeeded and whose start failed: the build never got hold of the container. */
  async function halfBuild(ledger: CleanupLedger, vmid: number, hostname: string): Promise<WorkerBuild> {
    const build = new WorkerBuild(specFor(vmid, hostname));
    env.lab.proxmox.faults.failNextTask('vzstart', `startup for container '${vmid}' failed`);
    await assert.rejects(build.ensureContainer(workContext(env.target, { runId: ledger.run.runId, tracker: ledger, evidence: notes() })), /startup for container/);
    assert.equal(build.container, undefined, 'the build never got hold of the container');
    assert.equal((await env.target.proxmox.containerStatus(vmid))?.status, 'stopped', 'yet Proxmox has it');
    return build;
  }

  it('removes a container the run created when its start failed, and closes the ledger', async () => {
    const ledger = new CleanupLedger(mkdtempSync(join(tmpdir(), 'ledger-')), newLedgerRun('fa1101', TARGET_ID));
    await halfBuild(ledger, 181, 'half-built');
    const evidence = notes();
    const removals = await settleAfterFailure(env.target, ledger, false, evidence);
    assert.deepEqual(removals.map((removal) => removal.outcome), ['removed']);
    assert.equal(await env.target.proxmox.containerStatus(181), undefined);
    assert.deepEqual(ledger.open(), []);
    assert.match(evidence.notes.at(-1)!, /cleaned up after the failure: CT 181 \(half-built\) removed\. Set SUITE_KEEP_ON_FAILURE=1 to keep them next time/);
  });

  it('keeps it when asked, says how to remove it, and takes it off the ledger so no later run sweeps it', async () => {
    const ledger = new CleanupLedger(mkdtempSync(join(tmpdir(), 'ledger-')), newLedgerRun('ee7001', TARGET_ID));
    await halfBuild(ledger, 182, 'kept');
    const evidence = notes();
    await settleAfterFailure(env.target, ledger, true, evidence);
    assert.equal((await env.target.proxmox.containerStatus(182))?.status, 'stopped');
    assert.match(evidence.notes[0], /keeping CT 182 \(kept\) for inspection[\s\S]*pct stop 182; pct destroy 182 --purge/);
    assert.deepEqual(ledger.open(), []);
  });

  it('leaves alone a container under a recorded VMID that another run or operator created', async () => {
    await provisionContainer(workContext(env.target, { runId: '50e0e0', tracker: untracked }), specFor(183, 'not-ours'));
    const ledger = new CleanupLedger(mkdtempSync(join(tmpdir(), 'ledger-')), newLedgerRun('a1e001', TARGET_ID));
    ledger.intend({ kind: 'container', vmid: 183, hostname: 'not-ours' });
    const [removal] = await settleAfterFailure(env.target, ledger, false, notes());
    assert.equal(removal.outcome, 'not ours, left alone');
    assert.equal((await env.target.proxmox.containerStatus(183))?.status, 'running');
  });

  it('sweeps a crashed run\'s leftovers at the next start, newest first, and deletes its ledger', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-'));
    // A run that "crashed": its process id is one no process has.
    const crashed = new CleanupLedger(dir, { ...newLedgerRun('c0a5e1', TARGET_ID), pid: 2 ** 22 + 1 });
    const build = new WorkerBuild(specFor(184, 'crashed-worker'));
    await build.ensureContainer(workContext(env.target, { runId: 'c0a5e1', tracker: crashed }));
    build.close();
    const lines = await sweepLeftovers(env.target, dir, TARGET_ID, notes());
    assert.deepEqual(lines.map((line) => line.replace(/ \(pid .*?\)/, '')), ['leftover of run c0a5e1: CT 184 (crashed-worker) removed']);
    assert.equal(await env.target.proxmox.containerStatus(184), undefined);
    assert.deepEqual(await sweepLeftovers(env.target, dir, TARGET_ID, notes()), [], 'its ledger is gone');
  });
});
