import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../lab/proxmox/api/envelope';
import { FaultPlan } from '../../../lab/proxmox/faults';
import { formatUpid, TASK_APPEARS_AFTER_MS, TaskRegistry } from '../../../lab/proxmox/node/tasks';
import { LabTiming } from '../../../lab/timing';

describe('tasks (PVE::Tools upid_encode, PVE::RESTEnvironment fork_worker)', () => {
  it('formats UPIDs with upper-case 8-digit hex and a trailing colon (pve-common PVE/Tools.pm)', () => {
    const upid = formatUpid({ node: 'pve', pid: 0x2e096a, pstart: 0x0e10f08e, starttime: 0x6382d261, type: 'vzcreate', id: '102', user: 'root@pam!acceptance' });
    assert.equal(upid, 'UPID:pve:002E096A:0E10F08E:6382D261:vzcreate:102:root@pam!acceptance:');
  });

  it('returns the UPID while the task is still running, then stops with exitstatus OK and "TASK OK"', async () => {
    const tasks = new TaskRegistry('pve');
    const upid = tasks.start('vzstart', '102', 'root@pam', async (log) => log.log('starting'));
    assert.match(upid, /^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vzstart:102:root@pam:$/);
    assert.equal(tasks.status(upid).status, 'running');
    const done = await tasks.wait(upid);
    assert.equal(done.status, 'stopped');
    assert.equal(done.exitstatus, 'OK');
    assert.deepEqual(tasks.log(upid), { lines: [{ n: 1, t: 'starting' }, { n: 2, t: 'TASK OK' }], total: 2 });
  });

  it('ends a warning task with "WARNINGS: N" and a failed one with the error text', async () => {
    const tasks = new TaskRegistry('pve');
    const warned = tasks.start('vzdestroy', '102', 'root@pam', async (log) => log.warn('forced to stop CT 102 before destroying!'));
    assert.equal((await tasks.wait(warned)).exitstatus, 'WARNINGS: 1');
    assert.equal(tasks.log(warned).lines.at(-1)!.t, 'TASK WARNINGS: 1');
    const failed = tasks.start('vzstart', '102', 'root@pam', async () => {
      throw new Error('CT is locked (create)\n');
    });
    assert.equal((await tasks.wait(failed)).exitstatus, 'CT is locked (create)');
    assert.equal(tasks.log(failed).lines.at(-1)!.t, 'TASK ERROR: CT is locked (create)');
  });

  it('pages the log with start and limit, numbering lines from 1 (pve-manager Tasks.pm read_task_log)', async () => {
    const tasks = new TaskRegistry('pve');
    const upid = tasks.start('vzcreate', '102', 'root@pam', async (log) => ['a', 'b', 'c'].forEach((l) => log.log(l)));
    await tasks.wait(upid);
    assert.deepEqual(tasks.log(upid, 1, 2), { lines: [{ n: 2, t: 'b' }, { n: 3, t: 'c' }], total: 4 });
  });

  it('hides a new task for the scaled window: status is 400 "no such task", the log "unable to open file" (Tasks.pm, dump_logfile)', () => {
    let now = 1_700_000_000_000;
    const tasks = new TaskRegistry('pve', { timing: new LabTiming(1), now: () => now });
    const upid = tasks.start('vzstart', '102', 'root@pam', async () => undefined);
    assert.throws(
      () => tasks.status(upid),
      (e: unknown) => e instanceof ApiError && e.status === 400 && e.message === 'Parameter verification failed.' && e.errors?.upid === 'no such task',
    );
    assert.deepEqual(tasks.log(upid), { lines: [{ n: 1, t: 'unable to open file - No such file or directory' }], total: 1 });
    assert.deepEqual(tasks.list(), []);
    now += TASK_APPEARS_AFTER_MS;
    assert.equal(tasks.status(upid).upid, upid);
    assert.equal(tasks.list().length, 1);
  });

  it('refuses a malformed UPID with "unable to parse worker upid" (PVE::UPID::decode with noerr)', () => {
    const tasks = new TaskRegistry('pve');
    assert.throws(() => tasks.status('UPID:pve:nope'), (e: unknown) => e instanceof ApiError && e.errors?.upid === 'unable to parse worker upid');
    assert.throws(() => tasks.log('x'), (e: unknown) => e instanceof ApiError && e.errors?.upid === 'unable to parse worker upid');
  });

  it("splits a token's task user into user and tokenid, keeping the full id in the UPID (Tasks.pm convert_token_task)", () => {
    const tasks = new TaskRegistry('pve');
    const upid = tasks.start('vzstart', '102', 'root@pam!acceptance', async () => undefined);
    assert.match(upid, /:vzstart:102:root@pam!acceptance:$/);
    const s = tasks.status(upid);
    assert.equal(s.user, 'root@pam');
    assert.equal(s.tokenid, 'acceptance');
    assert.equal(tasks.status(tasks.start('vzstop', '102', 'root@pam', async () => undefined)).tokenid, undefined);
  });

  it('fails the next task of a type armed with failNextTask without running its work, undoing what it reserved', async () => {
    const faults = new FaultPlan();
    const tasks = new TaskRegistry('pve', { faults });
    faults.failNextTask('vzcreate', 'unable to create CT 102 - injected');
    let ran = false;
    let undone = false;
    const upid = tasks.start('vzcreate', '102', 'root@pam', async () => void (ran = true), { undoOnFailure: () => void (undone = true) });
    assert.equal((await tasks.wait(upid)).exitstatus, 'unable to create CT 102 - injected');
    assert.deepEqual([ran, undone], [false, true]);
    const next = tasks.start('vzcreate', '102', 'root@pam', async () => void (ran = true));
    assert.equal((await tasks.wait(next)).exitstatus, 'OK');
  });

  it('adds warnings to the next task of a type armed with warnNextTask (N generic ones or the given lines)', async () => {
    const faults = new FaultPlan();
    const tasks = new TaskRegistry('pve', { faults });
    faults.warnNextTask('vzstart', 2);
    const upid = tasks.start('vzstart', '102', 'root@pam', async (log) => log.log('started'));
    assert.equal((await tasks.wait(upid)).exitstatus, 'WARNINGS: 2');
    assert.deepEqual(tasks.log(upid).lines.map((l) => l.t), ['started', 'WARN: injected warning 1 (lab fault)', 'WARN: injected warning 2 (lab fault)', 'TASK WARNINGS: 2']);
    faults.warnNextTask('vzstop', ['a']);
    faults.clear();
    assert.equal((await tasks.wait(tasks.start('vzstop', '102', 'root@pam', async () => undefined))).exitstatus, 'OK');
  });
});
