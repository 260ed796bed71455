import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InfrastructureError } from '../../src/errors';
import { TaskStatus } from '../../src/proxmox/proxmox-task';
import { isLockTimeout, runTask } from '../../src/proxmox/run-task';
import { Deadline } from '../../src/waiting/deadline';

// Texts from pve-common PVE::Tools::lock_file and pve-container's create path.
const LOCK_TIMEOUT = "unable to create CT 102 - can't lock file '/run/lock/lxc/pve-config-102.lock' - got timeout";

describe('running a Proxmox task through lock contention', () => {
  it('recognises the lock timeout text, in a call or in a task log', () => {
    assert.ok(isLockTimeout(new Error(`Proxmox refused to create CT 102: 500 ${LOCK_TIMEOUT}.`)));
    assert.ok(isLockTimeout(new InfrastructureError('proxmox', 'task failed', `TASK ERROR: ${LOCK_TIMEOUT}`)));
    assert.ok(!isLockTimeout(new Error("CT 102 already exists on node 'pve'")));
  });

  it('retries a lock timeout and then succeeds, saying why it waited', async () => {
    let starts = 0;
    const notes: string[] = [];
    const source = { status: async (): Promise<TaskStatus> => ({ status: 'stopped', exitstatus: 'OK' }), log: async () => ['TASK OK'] };
    const outcome = await runTask(
      source,
      async () => {
        if (++starts < 3) throw new InfrastructureError('proxmox', `Proxmox refused to create CT 102: 500 ${LOCK_TIMEOUT}.`);
        return 'UPID:pve:1';
      },
      new Deadline('CT 102 creation', 10_000),
      (note) => notes.push(note),
      { firstMs: 5, maxMs: 20 },
    );
    assert.equal(outcome.upid, 'UPID:pve:1');
    assert.equal(starts, 3);
    assert.equal(notes.length, 2);
    assert.match(notes[0], /config lock is held by another operation \(attempt 1\); retrying in 0.005s/);
  });

  it('reports the warnings of a task that ended "WARNINGS: 1" and counts it a success (pve-manager Tasks.pm)', async () => {
    const notes: string[] = [];
    const source = { status: async (): Promise<TaskStatus> => ({ status: 'stopped', exitstatus: 'WARNINGS: 1' }), log: async () => ['WARN: no volumes to destroy', 'TASK WARNINGS: 1'] };
    const outcome = await runTask(source, async () => 'UPID:pve:2', new Deadline('CT 102 destroy', 1000), (note) => notes.push(note));
    assert.equal(outcome.warnings, 1);
    assert.deepEqual(notes, ['CT 102 destroy succeeded with 1 warning(s):\nWARN: no volumes to destroy']);
  });

  it('does not retry any other failure', async () => {
    let starts = 0;
    await assert.rejects(
      runTask({ status: async () => ({ status: 'stopped' }), log: async () => [] }, async () => {
        starts++;
        throw new InfrastructureError('proxmox', "CT 102 already exists on node 'pve'");
      }, new Deadline('create', 10_000)),
      /already exists/,
    );
    assert.equal(starts, 1);
  });
});
