import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWorker, startTestNode, type TestNode } from './test-node';

describe('lxc-destroy (DELETE /nodes/{node}/lxc/{vmid}, pve-container API2/LXC.pm destroy_vm)', () => {
  let t: TestNode;
  before(async () => {
    t = await startTestNode();
    await createWorker(t, { start: '1' });
  });
  after(() => t.stop());

  it('refuses a running CT without force: 500 "unable to destroy CT 102 - container is running"', async () => {
    const r = await t.api('/nodes/pve/lxc/102', { method: 'DELETE' });
    assert.equal(r.status, 500);
    assert.equal(r.statusText, 'unable to destroy CT 102 - container is running');
  });

  it('with force stops first, warns, removes the volume and the config (TASK WARNINGS: 1)', async () => {
    const r = await t.api('/nodes/pve/lxc/102?force=1&purge=1&destroy-unreferenced-disks=1', { method: 'DELETE' });
    assert.match(r.json.data, /:vzdestroy:102:root@pam!acceptance:$/);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'WARNINGS: 1');
    const log = (await t.api(`/nodes/pve/tasks/${encodeURIComponent(r.json.data)}/log`)).json.data.map((l: { t: string }) => l.t);
    assert.deepEqual(log, [
      'WARN: forced to stop CT 102 before destroying!',
      '  Logical volume "vm-102-disk-0" successfully removed.',
      'purging CT 102 from related configurations..',
      'TASK WARNINGS: 1',
    ]);
    assert.equal(t.node.containers.has(102), false);
    assert.equal(t.runtime.isRunning(102), false);
  });

  it('answers 500 with the missing-config message for a CT that is gone', async () => {
    const r = await t.api('/nodes/pve/lxc/102', { method: 'DELETE' });
    assert.equal(r.status, 500);
    assert.equal(r.statusText, "Configuration file 'nodes/pve/lxc/102.conf' does not exist");
  });
});
