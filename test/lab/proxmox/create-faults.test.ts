import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { startTestNode, WORKER_CREATE, type TestNode } from './test-node';

const UBUNTU = WORKER_CREATE.ostemplate;
const LOCK_TIMEOUT = (vmid: number) => `can't lock file '/run/lock/lxc/pve-config-${vmid}.lock' - got timeout`;

describe('node faults: what a create meets (pve-container API2/LXC.pm create_vm)', () => {
  let t: TestNode;
  beforeEach(async () => (t = await startTestNode()));
  afterEach(() => t.stop());

  const create = (form: Record<string, string> = {}) => t.api('/nodes/pve/lxc', { method: 'POST', form: { ...WORKER_CREATE, ...form } });

  it("fails a create whose VMID another operator just took with 500 \"CT 100 already exists on node 'pve'\" (pve-cluster check_vmid_unused)", async () => {
    assert.equal((await t.api('/cluster/nextid')).json.data, '100');
    const writes = t.node.writeCount();
    t.node.faults.vmidTakenOnNextCreate();
    assert.equal(t.node.writeCount(), writes);

    const r = await create({ vmid: '100' });
    assert.equal(r.status, 500);
    assert.equal(r.statusText, "CT 100 already exists on node 'pve'");
    assert.deepEqual(r.json, { data: null, message: "CT 100 already exists on node 'pve'\n" });
    // The refused POST itself is a write attempt, as every POST is; the other operator's CT adds none.
    assert.equal(t.node.writeCount(), writes + 1);

    const status = (await t.api('/nodes/pve/lxc/100/status/current')).json.data;
    assert.equal(status.name, 'other-team-app');
    assert.equal(status.status, 'stopped');
    assert.equal((await t.api('/nodes/pve/lxc/100/config')).json.data.hostname, 'other-team-app');
    assert.deepEqual(t.runtime.created.map((c) => [c.config.vmid, c.config.hostname]), [[100, 'other-team-app']]);
    assert.equal((await t.api('/cluster/nextid')).json.data, '101');
  });

  it('takes the VMID of the next create only, whatever it is, with the hostname given', async () => {
    t.node.faults.vmidTakenOnNextCreate('payments-db');
    assert.equal((await create({ vmid: '123' })).status, 500);
    assert.equal(t.node.containers.load(123).conf.options.hostname, 'payments-db');
    const next = await create({ vmid: '124' });
    assert.equal(next.status, 200);
    assert.equal((await t.waitTask(next.json.data)).exitstatus, 'OK');
  });

  it("drops a removed storage from the node's list and fails a create on it with \"storage 'local-lvm' does not exist\" (pve-storage storage_config)", async () => {
    const writes = t.node.writeCount();
    t.node.faults.removeStorage('local-lvm');
    assert.equal(t.node.writeCount(), writes);

    const listed = (await t.api('/nodes/pve/storage')).json.data.map((s: { storage: string }) => s.storage);
    assert.deepEqual(listed, ['local']);
    const resources = (await t.api('/cluster/resources?type=storage')).json.data.map((s: { storage: string }) => s.storage);
    assert.deepEqual(resources, ['local']);
    const content = await t.api('/nodes/pve/storage/local-lvm/content');
    assert.equal(content.status, 500);
    assert.equal(content.statusText, "storage 'local-lvm' does not exist");

    const r = await create();
    assert.equal(r.status, 500);
    assert.equal(r.statusText, "storage 'local-lvm' does not exist");
    assert.equal(t.node.containers.has(102), false);
    assert.deepEqual(t.runtime.created, []);
  });

  it('fails a create naming a removed template inside the vzcreate task (Storage.pm abs_filesystem_path)', async () => {
    t.node.faults.removeTemplate(UBUNTU);
    const volids = (await t.api('/nodes/pve/storage/local/content?content=vztmpl')).json.data.map((v: { volid: string }) => v.volid);
    assert.deepEqual(volids, ['local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst']);

    const r = await create();
    assert.equal(r.status, 200);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, `unable to create CT 102 - can't find file '${UBUNTU}'`);
    assert.equal(t.node.containers.has(102), false);
  });

  it("times out the config lock of the next create's VMID: sync 500 \"unable to create CT 104 - can't lock file ...\" (create_and_lock_config)", async () => {
    const writes = t.node.writeCount();
    t.node.faults.lockTimeouts('next-create', 2);
    assert.equal(t.node.writeCount(), writes);

    // Bound to the first create's VMID: other CTs are not affected, and each retry of 104 meets one timeout.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const r = await create({ vmid: '104' });
      assert.equal(r.status, 500);
      assert.equal(r.statusText, `unable to create CT 104 - ${LOCK_TIMEOUT(104)}`);
      if (attempt === 0) {
        const other = await create({ vmid: '105' });
        assert.equal(other.status, 200);
        await t.waitTask(other.json.data);
      }
    }
    const third = await create({ vmid: '104' });
    assert.equal(third.status, 200);
    assert.equal((await t.waitTask(third.json.data)).exitstatus, 'OK');
  });

  it('leaves every create alone when nothing is armed', async () => {
    const r = await create();
    assert.equal(r.status, 200);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'OK');
    assert.deepEqual(t.runtime.created.map((c) => c.config.hostname), ['k3s-worker-01']);
  });

  it('disarms every create fault on clear() and puts removed storages and templates back', async () => {
    const faults = t.node.faults;
    faults.vmidTakenOnNextCreate();
    faults.lockTimeouts('next-create', 3);
    faults.removeStorage('local-lvm');
    faults.removeTemplate(UBUNTU);
    faults.failNextTask('vzcreate', 'injected');
    const writes = t.node.writeCount();
    await faults.clear();
    assert.equal(t.node.writeCount(), writes);

    assert.deepEqual((await t.api('/nodes/pve/storage')).json.data.map((s: { storage: string }) => s.storage), ['local', 'local-lvm']);
    const r = await create();
    assert.equal(r.status, 200);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'OK');
    assert.equal(t.node.containers.load(102).conf.options.hostname, 'k3s-worker-01');
  });
});
