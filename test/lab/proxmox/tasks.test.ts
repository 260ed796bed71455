import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatUpid, TaskRegistry } from '../../../lab/proxmox/tasks';

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
});
