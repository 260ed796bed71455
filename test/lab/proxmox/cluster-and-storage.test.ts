import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWorker, startTestNode, type TestNode } from './test-node';

describe('routes: nodes, cluster, storage (pve-manager API2/Nodes.pm, Cluster.pm, pve-storage)', () => {
  let t: TestNode;
  before(async () => (t = await startTestNode()));
  after(() => t.stop());

  it('lists the node online with 16 CPUs and the API certificate fingerprint', async () => {
    const [n] = (await t.api('/nodes')).json.data;
    assert.equal(n.node, 'pve');
    assert.equal(n.status, 'online');
    assert.equal(n.maxcpu, 16);
    assert.equal(n.ssl_fingerprint, t.node.tlsFingerprint);
  });

  it('gives the next free id as a string, and checks a wanted one (GET /cluster/nextid)', async () => {
    assert.deepEqual((await t.api('/cluster/nextid')).json, { data: '100' });
    assert.deepEqual((await t.api('/cluster/nextid?vmid=102')).json, { data: '102' });
    await createWorker(t);
    const taken = await t.api('/cluster/nextid?vmid=102');
    assert.equal(taken.status, 400);
    assert.deepEqual(taken.json.errors, { vmid: 'VM 102 already exists' });
  });

  it('shows the CT in /cluster/resources with its status', async () => {
    const all = (await t.api('/cluster/resources')).json.data;
    const ct = all.find((r: { id: string }) => r.id === 'lxc/102');
    assert.equal(ct.type, 'lxc');
    assert.equal(ct.vmid, 102);
    assert.equal(ct.node, 'pve');
    assert.ok(['stopped', 'unknown'].includes(ct.status));
    assert.ok(all.some((r: { type: string }) => r.type === 'node'));
    const vms = (await t.api('/cluster/resources?type=vm')).json.data;
    assert.deepEqual(vms.map((r: { id: string }) => r.id), ['lxc/102']);
  });

  it('lists local (dir) and local-lvm (lvmthin), and templates as local:vztmpl volumes', async () => {
    const storages = (await t.api('/nodes/pve/storage')).json.data;
    assert.deepEqual(storages.map((s: { storage: string; type: string }) => [s.storage, s.type]), [['local', 'dir'], ['local-lvm', 'lvmthin']]);
    const content = (await t.api('/nodes/pve/storage/local/content?content=vztmpl')).json.data;
    assert.equal(content[0].volid, 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst');
    assert.equal(content[0].format, 'tzst');
    assert.ok(content[0].size > 0);
    const disks = (await t.api('/nodes/pve/storage/local-lvm/content')).json.data;
    assert.deepEqual(disks.map((d: { volid: string }) => d.volid), ['local-lvm:vm-102-disk-0']);
  });

  it('answers GET /cluster/status for a node in no cluster with itself alone, nodeid 0 (Cluster.pm get_status)', async () => {
    assert.deepEqual((await t.api('/cluster/status')).json.data, [{ type: 'node', id: 'node/pve', name: 'pve', ip: '192.168.2.10', local: 1, nodeid: 0, online: 1, level: '' }]);
  });

  it('fails to resolve another node name, as a single node would', async () => {
    const r = await t.api('/nodes/pve2/lxc');
    assert.equal(r.status, 500);
    assert.match(r.statusText, /^hostname lookup 'pve2' failed/);
  });
});
