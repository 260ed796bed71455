import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWorker, startTestNode, type TestNode } from './test-node';

describe('lxc-power (POST .../status/{start,stop,shutdown,reboot}, pve-container API2/LXC/Status.pm)', () => {
  let t: TestNode;
  before(async () => {
    t = await startTestNode();
    await createWorker(t);
  });
  after(() => t.stop());

  const power = (action: string, vmid = 102) => t.api(`/nodes/pve/lxc/${vmid}/status/${action}`, { method: 'POST' });
  const current = async () => (await t.api('/nodes/pve/lxc/102/status/current')).json.data;

  it('reports a stopped CT, and null interfaces while stopped (vmstatus, get_interfaces)', async () => {
    const s = await current();
    assert.equal(s.status, 'stopped');
    assert.equal(s.type, 'lxc');
    assert.equal(s.name, 'k3s-worker-01');
    assert.equal(s.maxmem, 8192 * 1024 * 1024);
    assert.deepEqual((await t.api('/nodes/pve/lxc/102/interfaces')).json, { data: null });
  });

  it('answers 500 "CT 102 not running" to stop a stopped CT, synchronously', async () => {
    const r = await power('stop');
    assert.equal(r.status, 500);
    assert.equal(r.statusText, 'CT 102 not running');
  });

  it('starts with a vzstart task handing the config to the runtime, then refuses a second start', async () => {
    const r = await power('start');
    assert.match(r.json.data, /:vzstart:102:root@pam!acceptance:$/);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'OK');
    assert.equal((await current()).status, 'running');
    assert.equal(t.runtime.started.at(-1)!.hostname, 'k3s-worker-01');
    const again = await power('start');
    assert.equal(again.status, 500);
    assert.equal(again.statusText, 'CT 102 already running');
    const ifaces = (await t.api('/nodes/pve/lxc/102/interfaces')).json.data;
    assert.deepEqual(ifaces.map((i: { name: string }) => i.name), ['lo', 'eth0']);
  });

  it('shuts down with vzshutdown and reports stopped', async () => {
    const r = await power('shutdown');
    assert.match(r.json.data, /:vzshutdown:102:/);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'OK');
    assert.equal((await current()).status, 'stopped');
  });

  it('says "VM 102 not running" to reboot a stopped CT, as vm_reboot really does', async () => {
    const r = await power('reboot');
    assert.equal(r.status, 500);
    assert.equal(r.statusText, 'VM 102 not running');
  });

  it('fails the vzstart task for a locked CT with "CT is locked (create)" (check_lock in the worker)', async () => {
    const text = t.node.containers.text(102)!;
    t.node.containers.writeText(102, `${text}lock: create\n`);
    const r = await power('start');
    assert.equal(r.status, 200);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'CT is locked (create)');
    t.node.containers.writeText(102, text);
  });

  it('fails the vzstart task of a missing CT with the missing-config message', async () => {
    const r = await power('start', 999);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, "Configuration file 'nodes/pve/lxc/999.conf' does not exist");
  });
});
