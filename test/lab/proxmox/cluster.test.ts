import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'ssh2';
import { run, sshAsRoot } from './ssh-client';
import { startTestCluster, type TestCluster } from './test-cluster';
import { WORKER_CREATE } from './test-node';

const GiB = 1024 ** 3;

describe('a cluster of three nodes (pve-cluster, pve-manager API2/Cluster.pm, Nodes.pm)', () => {
  let t: TestCluster;
  const ssh = new Map<string, Client>();
  const onHost = async (node: string, command: string) => {
    if (!ssh.has(node)) ssh.set(node, await sshAsRoot({ node: t.cluster.node(node), operatorKey: t.operatorKey }));
    return run(ssh.get(node)!, command);
  };
  const create = async (node: string, form: Record<string, string>) => {
    const r = await t.api(`/nodes/${node}/lxc`, { method: 'POST', form: { ...WORKER_CREATE, ...form } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'OK');
    return r.json.data as string;
  };
  before(async () => (t = await startTestCluster(3)));
  after(async () => {
    for (const client of ssh.values()) client.end();
    await t.stop();
  });

  it('lists every node in GET /nodes, in no stable order (get_nodelist returns `keys %$nodelist`, Perl hash order)', async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 30; i += 1) orders.add((await t.api('/nodes')).json.data.map((n: { node: string }) => n.node).join(','));
    assert.ok(orders.size > 1, `one order only: ${[...orders]}`);
    for (const order of orders) assert.deepEqual(order.split(',').sort(), ['pve1', 'pve2', 'pve3']);
  });

  it('gives each node its own free capacity and certificate in GET /nodes (API2Tools.pm extract_node_stats)', async () => {
    const nodes = (await t.api('/nodes')).json.data.sort((a: { node: string }, b: { node: string }) => a.node.localeCompare(b.node));
    assert.deepEqual(
      nodes.map((n: Record<string, number>) => [n.node, n.maxcpu, (n.maxmem - n.mem) / GiB]),
      [['pve1', 16, 55], ['pve2', 8, 26], ['pve3', 4, 4]],
    );
    assert.equal(new Set(nodes.map((n: { ssl_fingerprint: string }) => n.ssl_fingerprint)).size, 3);
    assert.equal(nodes[0].ssl_fingerprint, t.cluster.node('pve1').tlsFingerprint);
  });

  it('gives each node its own vmbr0 with its own address (GET /nodes/{node}/network, proxied)', async () => {
    const vmbr0 = (await t.api('/nodes/pve2/network?type=bridge')).json.data[0];
    assert.deepEqual([vmbr0.iface, vmbr0.cidr], ['vmbr0', '192.168.2.11/24']);
  });

  it('answers GET /cluster/status with the cluster, then each member with its nodeid, address and `local` for the answering node (Cluster.pm get_status)', async () => {
    const [cluster, ...members] = (await t.api('/cluster/status')).json.data;
    assert.deepEqual(cluster, { type: 'cluster', id: 'cluster', nodes: 3, version: 3, name: 'lab', quorate: 1 });
    const byName = Object.fromEntries(members.map((m: { name: string }) => [m.name, m]));
    assert.deepEqual(byName.pve1, { type: 'node', id: 'node/pve1', name: 'pve1', nodeid: 1, local: 1, online: 1, ip: '192.168.2.10', level: '' });
    assert.deepEqual([byName.pve2.local, byName.pve2.nodeid, byName.pve2.ip], [0, 2, '192.168.2.11']);
  });

  it('passes a call for another node on to it, as pveproxy proxies it (pve-http-server AnyEvent.pm proxy_request): the CT and its task are pve2\'s', async () => {
    const upid = await create('pve2', {});
    assert.match(upid, /^UPID:pve2:/);
    assert.ok(t.cluster.node('pve2').containers.has(102));
    assert.ok(!t.cluster.node('pve1').containers.has(102));
    const log = (await t.api(`/nodes/pve2/tasks/${encodeURIComponent(upid)}/log`)).json.data.map((l: { t: string }) => l.t);
    assert.ok(log.includes('  Logical volume "vm-102-disk-0" created.'), log.join('\n'));
    const ct = (await t.api('/cluster/resources?type=vm')).json.data.find((r: { vmid: number }) => r.vmid === 102);
    assert.equal(ct.node, 'pve2');
    assert.equal((await t.api('/nodes/pve1/lxc')).json.data.length, 0);
    assert.deepEqual((await t.api('/nodes/pve2/lxc')).json.data.map((c: { vmid: number }) => c.vmid), [102]);
  });

  it('starts a node\'s CT with that node\'s kernel (lab/contracts/host-kernel.ts)', async () => {
    const r = await t.api('/nodes/pve2/lxc/102/status/start', { method: 'POST' });
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'OK');
    assert.equal(t.runtime.hosts.get(102)?.node, 'pve2');
  });

  it('refuses a VMID another node uses: 500 "CT 102 already exists on node \'pve2\'" (pve-cluster Cluster.pm check_vmid_unused)', async () => {
    const r = await t.api('/nodes/pve1/lxc', { method: 'POST', form: WORKER_CREATE });
    assert.equal(r.status, 500);
    assert.equal(r.json.message, "CT 102 already exists on node 'pve2'\n");
  });

  it('counts every node\'s guests in GET /cluster/nextid (Cluster.pm nextid reads the cluster\'s vmlist)', async () => {
    await create('pve3', { vmid: '100', hostname: 'other', rootfs: 'local-lvm:8' });
    assert.equal((await t.api('/cluster/nextid')).json.data, '101');
    assert.deepEqual((await t.api('/cluster/nextid?vmid=102')).json.errors, { vmid: 'VM 102 already exists' });
  });

  it('gives each node local and local-lvm and all of them the shared NFS storage, whose content is every node\'s (pve-storage Plugin.pm alloc_image)', async () => {
    for (const node of ['pve1', 'pve2', 'pve3']) {
      const storages = (await t.api(`/nodes/${node}/storage`)).json.data;
      assert.deepEqual(storages.map((s: { storage: string; type: string; shared: number }) => [s.storage, s.type, s.shared]), [['local', 'dir', 0], ['local-lvm', 'lvmthin', 0], ['shared', 'nfs', 1]]);
    }
    const upid = await create('pve1', { vmid: '104', hostname: 'on-shared', rootfs: 'shared:8' });
    const log = (await t.api(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/log`)).json.data.map((l: { t: string }) => l.t);
    assert.ok(log.includes(`Formatting '/mnt/pve/shared/images/104/vm-104-disk-0.raw', fmt=raw size=${8 * GiB} preallocation=off`), log.join('\n'));
    assert.equal((await t.api('/nodes/pve1/lxc/104/config')).json.data.rootfs, 'shared:104/vm-104-disk-0.raw,size=8G');
    const seenFromPve3 = (await t.api('/nodes/pve3/storage/shared/content')).json.data.map((v: { volid: string }) => v.volid);
    assert.deepEqual(seenFromPve3, ['shared:104/vm-104-disk-0.raw']);
    assert.deepEqual((await t.api('/nodes/pve3/storage/local-lvm/content')).json.data.map((v: { volid: string }) => v.volid), ['local-lvm:vm-100-disk-0']);
    const resources = (await t.api('/cluster/resources?type=storage')).json.data.map((s: { id: string }) => s.id);
    assert.equal(resources.filter((id: string) => id.endsWith('/shared')).length, 3);
  });

  it('logs into each node as root with its own host key, and `hostname` names the node', async () => {
    const keys = t.cluster.nodes.map((node) => node.sshHostKeyFingerprint);
    assert.equal(new Set(keys).size, 3);
    assert.equal((await onHost('pve2', 'hostname')).stdout, 'pve2\n');
    assert.equal((await onHost('pve3', 'cat /etc/hostname')).stdout, 'pve3\n');
  });

  it("lets pct on a node see only its own CTs: on pve1 `pct config 102` (on pve2) fails \"Configuration file 'nodes/pve1/lxc/102.conf' does not exist\" (PVE::LXC::Config load_config)", async () => {
    assert.deepEqual(await onHost('pve1', 'pct config 102'), { stdout: '', stderr: "Configuration file 'nodes/pve1/lxc/102.conf' does not exist\n", code: 255 });
    assert.match((await onHost('pve2', 'pct config 102')).stdout, /^hostname: k3s-worker-01$/m);
    assert.match((await onHost('pve1', 'pct list')).stdout, /^104 +stopped +on-shared/m);
    assert.doesNotMatch((await onHost('pve1', 'pct list')).stdout, /102/);
  });

  it('answers 595 "Connection refused" for a node whose pveproxy is down, as AnyEvent::HTTP reports a failed proxy connection', async () => {
    await t.cluster.node('pve3').faults.apiDown();
    try {
      const r = await t.api('/nodes/pve3/lxc');
      assert.deepEqual([r.status, r.statusText], [595, 'Connection refused']);
      assert.equal((await t.api('/nodes/pve2/lxc')).status, 200);
    } finally {
      await t.cluster.node('pve3').faults.apiUp();
    }
  });

  it('still fails to resolve a node that is not a member (PVE::Cluster remote_node_ip falls back to a hostname lookup)', async () => {
    const r = await t.api('/nodes/pve9/lxc');
    assert.equal(r.status, 500);
    assert.match(r.statusText, /^hostname lookup 'pve9' failed/);
  });

  it('keeps users, tokens and ACLs cluster-wide (user.cfg on pmxcfs): a token made with pveum on pve2 works through pve1', async () => {
    const added = await onHost('pve2', 'pveum user token add root@pam cluster --privsep 1 --output-format json');
    const { value } = JSON.parse(added.stdout);
    assert.equal((await onHost('pve3', "pveum acl modify /vms --tokens 'root@pam!cluster' --roles PVEAuditor")).code, 0);
    const token = `root@pam!cluster=${value}`;
    const listed = (await t.api('/nodes/pve2/lxc', { token })).json.data.map((c: { vmid: number }) => c.vmid);
    assert.deepEqual(listed, [102]);
    assert.match((await onHost('pve1', 'pveum acl list')).stdout, /│ \/vms +│ PVEAuditor +│ token │ root@pam!cluster │/);
  });

  it('counts writes made through any node once, cluster-wide', async () => {
    const before = t.cluster.writeCount();
    await t.api('/nodes/pve2/lxc/102/config', { method: 'PUT', form: { description: 'x' } });
    assert.equal(t.cluster.writeCount(), before + 1);
  });
});
