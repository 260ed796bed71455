import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWorker, startTestNode, WORKER_CREATE, type TestNode } from './test-node';

const LOCK_TIMEOUT = (vmid: number) => `can't lock file '/run/lock/lxc/pve-config-${vmid}.lock' - got timeout`;
const taskPath = (upid: string, what: 'status' | 'log') => `/nodes/pve/tasks/${encodeURIComponent(upid)}/${what}`;

/**
 * Contract tests over plain HTTPS: status code, reason phrase and body as a real PVE 8.4 node answers them, for
 * the config lock, task lookups and the fault API. Each names the real code path it follows.
 */
describe('api contract: config locks, task lookups and faults (plain HTTPS)', () => {
  let t: TestNode;
  before(async () => {
    t = await startTestNode();
    await createWorker(t);
  });
  after(() => t.stop());

  const logLines = async (upid: string) => (await t.api(taskPath(upid, 'log'))).json.data.map((l: { t: string }) => l.t);

  it('answers an unknown but well-formed UPID with 400 {"upid":"no such task"} (pve-manager Tasks.pm read_task_status)', async () => {
    const upid = 'UPID:pve:0000BEEF:0E10F08E:6382D261:vzstart:102:root@pam:';
    const r = await t.api(taskPath(upid, 'status'));
    assert.equal(r.status, 400);
    assert.equal(r.statusText, 'Parameter verification failed.');
    assert.deepEqual(r.json, { data: null, message: 'Parameter verification failed.\n', errors: { upid: 'no such task' } });
  });

  it('answers the log of an unknown UPID with 200 and one "unable to open file" line (Tasks.pm read_task_log, Tools.pm dump_logfile)', async () => {
    const r = await t.api(taskPath('UPID:pve:0000BEEF:0E10F08E:6382D261:vzstart:102:root@pam:', 'log'));
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { data: [{ n: 1, t: 'unable to open file - No such file or directory' }], total: 1 });
  });

  it('answers a malformed UPID with 400 {"upid":"unable to parse worker upid"} on status and log (PVE::UPID::decode)', async () => {
    for (const what of ['status', 'log'] as const) {
      const r = await t.api(taskPath('UPID:pve:bogus', what));
      assert.equal(r.status, 400);
      assert.deepEqual(r.json.errors, { upid: 'unable to parse worker upid' });
    }
  });

  it("reports a token's task with user and tokenid split, numbers as numbers (Tasks.pm convert_token_task)", async () => {
    const r = await t.api('/nodes/pve/lxc/102/status/start', { method: 'POST' });
    const s = await t.waitTask(r.json.data);
    assert.equal(s.user, 'root@pam');
    assert.equal(s.tokenid, 'acceptance');
    assert.equal(typeof s.pid, 'number');
    assert.equal(typeof s.pstart, 'number');
    assert.equal(typeof s.starttime, 'number');
    assert.equal(s.id, '102');
    await t.waitTask((await t.api('/nodes/pve/lxc/102/status/stop', { method: 'POST' })).json.data);
  });

  it('fails a PUT config whose lock times out with a sync 500 and the lock_file_full text (API2/LXC/Config.pm update_vm)', async () => {
    t.node.faults.lockTimeouts(102);
    const before = t.node.containers.text(102);
    const r = await t.api('/nodes/pve/lxc/102/config', { method: 'PUT', form: { memory: '1024' } });
    assert.equal(r.status, 500);
    assert.equal(r.statusText, LOCK_TIMEOUT(102));
    assert.deepEqual(r.json, { data: null, message: `${LOCK_TIMEOUT(102)}\n` });
    assert.equal(t.node.containers.text(102), before);
    assert.equal((await t.api('/nodes/pve/lxc/102/config', { method: 'PUT', form: { memory: '1024' } })).status, 200);
  });

  it('fails vzstart in the worker on a lock timeout: UPID first, then "TASK ERROR: can\'t lock file ..." (API2/LXC/Status.pm vm_start)', async () => {
    t.node.faults.lockTimeouts(102);
    const r = await t.api('/nodes/pve/lxc/102/status/start', { method: 'POST' });
    assert.equal(r.status, 200);
    const s = await t.waitTask(r.json.data);
    assert.equal(s.exitstatus, LOCK_TIMEOUT(102));
    assert.deepEqual(await logLines(r.json.data), ['trying to acquire lock...', `TASK ERROR: ${LOCK_TIMEOUT(102)}`]);
    assert.equal(t.runtime.isRunning(102), false);
  });

  it('fails vzdestroy in the worker on a lock timeout and keeps the CT (API2/LXC.pm destroy_vm)', async () => {
    t.node.faults.lockTimeouts(102);
    const r = await t.api('/nodes/pve/lxc/102', { method: 'DELETE' });
    assert.equal(r.status, 200);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, LOCK_TIMEOUT(102));
    assert.equal(t.node.containers.has(102), true);
  });

  it('prefixes a lock timeout while reserving the VMID: sync 500 "unable to create CT 106 - can\'t lock file ..." (create_and_lock_config)', async () => {
    t.node.faults.lockTimeouts(106);
    const r = await t.api('/nodes/pve/lxc', { method: 'POST', form: { ...WORKER_CREATE, vmid: '106' } });
    assert.equal(r.status, 500);
    assert.equal(r.statusText, `unable to create CT 106 - ${LOCK_TIMEOUT(106)}`);
    assert.deepEqual(r.json, { data: null, message: `unable to create CT 106 - ${LOCK_TIMEOUT(106)}\n` });
    assert.equal(t.node.containers.has(106), false);
  });

  describe('while a vzcreate worker holds the lock for its whole run (create_vm realcmd: lock_config($code))', () => {
    let release: () => void;
    let upid: string;
    before(async () => {
      release = t.runtime.holdCreates();
      upid = (await t.api('/nodes/pve/lxc', { method: 'POST', form: { ...WORKER_CREATE, vmid: '107' } })).json.data;
    });
    after(async () => {
      release();
      await t.waitTask(upid);
    });

    it('fails vzstart of that CT with the lock timeout in its task (vm_start realcmd)', async () => {
      const r = await t.api('/nodes/pve/lxc/107/status/start', { method: 'POST' });
      assert.equal(r.status, 200);
      assert.equal((await t.waitTask(r.json.data)).exitstatus, LOCK_TIMEOUT(107));
    });

    it('refuses DELETE at once with 500 "CT is locked (create)": destroy_vm checks `lock` before locking', async () => {
      const r = await t.api('/nodes/pve/lxc/107', { method: 'DELETE' });
      assert.equal(r.status, 500);
      assert.equal(r.statusText, 'CT is locked (create)');
    });

    it('shows the reservation in status/current as lock "create" (vmstatus)', async () => {
      const s = (await t.api('/nodes/pve/lxc/107/status/current')).json.data;
      assert.equal(s.lock, 'create');
      assert.equal(s.status, 'stopped');
    });
  });

  it('fails the next vzcreate armed with failNextTask and removes its reserved config (create_vm: destroy_config on error)', async () => {
    t.node.faults.failNextTask('vzcreate', "unable to create CT 108 - unable to create volume 'local-lvm:vm-108-disk-0'");
    const r = await t.api('/nodes/pve/lxc', { method: 'POST', form: { ...WORKER_CREATE, vmid: '108' } });
    assert.equal(r.status, 200);
    const s = await t.waitTask(r.json.data);
    assert.equal(s.exitstatus, "unable to create CT 108 - unable to create volume 'local-lvm:vm-108-disk-0'");
    assert.equal((await logLines(r.json.data)).at(-1), "TASK ERROR: unable to create CT 108 - unable to create volume 'local-lvm:vm-108-disk-0'");
    assert.equal(t.node.containers.has(108), false);
  });

  it('ends the next vzstart armed with warnNextTask as "WARNINGS: 1" and still starts the CT (fork_worker warning count)', async () => {
    t.node.faults.warnNextTask('vzstart', ['Systemd 257 detected. You may need to enable nesting.']);
    const r = await t.api('/nodes/pve/lxc/102/status/start', { method: 'POST' });
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'WARNINGS: 1');
    assert.deepEqual(await logLines(r.json.data), ['WARN: Systemd 257 detected. You may need to enable nesting.', 'TASK WARNINGS: 1']);
    assert.equal(t.runtime.isRunning(102), true);
  });
});
