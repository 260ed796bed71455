import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useNodeWithRoot } from './node-with-root';
import { run } from './ssh-client';
import { WORKER_CREATE } from './test-node';

describe("the node's network and its bridges (pve-manager API2/Network.pm, pve-container lxcnetaddbr)", () => {
  const env = useNodeWithRoot();

  it('lists the physical NIC and vmbr0 with the node\'s address in GET /nodes/{node}/network, lo left out (Network.pm index)', async () => {
    const all = (await env.t.api('/nodes/pve/network')).json.data;
    assert.deepEqual(all.map((i: { iface: string; type: string }) => [i.iface, i.type]), [['eno1', 'eth'], ['vmbr0', 'bridge']]);
    const vmbr0 = all.find((i: { iface: string }) => i.iface === 'vmbr0');
    assert.deepEqual([vmbr0.cidr, vmbr0.gateway, vmbr0.bridge_ports, vmbr0.method], ['192.168.2.10/24', '192.168.2.1', 'eno1', 'static']);
  });

  it('filters by type, any_bridge matching every bridge, and refuses an unknown type', async () => {
    const names = async (type: string) => (await env.t.api(`/nodes/pve/network?type=${type}`)).json.data.map((i: { iface: string }) => i.iface);
    assert.deepEqual(await names('bridge'), ['vmbr0']);
    assert.deepEqual(await names('any_bridge'), ['vmbr0']);
    assert.deepEqual(await names('eth'), ['eno1']);
    assert.deepEqual(await names('vlan'), []);
    const bad = await env.t.api('/nodes/pve/network?type=wifi');
    assert.equal(bad.status, 400);
    assert.match(bad.json.errors.type, /^value 'wifi' does not have a value in the enumeration 'bridge, bond, eth/);
  });

  it('shows a bridge only to whom has SDN.Audit or SDN.Use on it (RPCEnvironment.pm check_sdn_bridge)', async () => {
    const token = (await env.t.api('/access/users/root@pam/token/net-reader', { method: 'POST' })).json.data;
    await env.t.api('/access/acl', { method: 'PUT', form: { path: '/vms', tokens: token['full-tokenid'], roles: 'PVEVMAdmin' } });
    const as = `${token['full-tokenid']}=${token.value}`;
    const names = async () => (await env.t.api('/nodes/pve/network', { token: as })).json.data.map((i: { iface: string }) => i.iface);
    assert.deepEqual(await names(), ['eno1']);
    await env.t.api('/access/acl', { method: 'PUT', form: { path: '/sdn/zones/localnetwork/vmbr0/20', tokens: token['full-tokenid'], roles: 'PVESDNUser' } });
    assert.deepEqual(await names(), ['eno1', 'vmbr0']);
  });

  it('creates a CT on a bridge the node does not have (create_vm does not check it), and its start fails as lxc-start does (LXC 6.0.0 network.c, start.c)', async () => {
    const created = await env.t.api('/nodes/pve/lxc', { method: 'POST', form: { ...WORKER_CREATE, net0: 'name=eth0,bridge=vmbr9,ip=192.168.2.21/24,gw=192.168.2.1' } });
    assert.equal(created.status, 200);
    assert.equal((await env.t.waitTask(created.json.data)).exitstatus, 'OK');
    const start = await env.t.api('/nodes/pve/lxc/102/status/start', { method: 'POST' });
    const status = await env.t.waitTask(start.json.data);
    assert.equal(status.exitstatus, "startup for container '102' failed");
    const log = (await env.t.api(`/nodes/pve/tasks/${encodeURIComponent(start.json.data)}/log`)).json.data.map((l: { t: string }) => l.t);
    assert.deepEqual(log, [
      'run_buffer: 571 Script exited with status 2',
      'lxc_create_network_priv: 3463 No such device - Failed to create network device',
      'lxc_spawn: 1847 Failed to create the network',
      '__lxc_start: 2114 Failed to spawn container "102"',
      "TASK ERROR: startup for container '102' failed",
    ]);
    assert.equal(env.t.runtime.isRunning(102), false);
  });

  it('prints the same lines to stderr for `pct start` and exits 255 (PVE::CLIHandler)', async () => {
    const r = await run(env.root, 'pct start 102');
    assert.equal(r.code, 255);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^run_buffer: 571 Script exited with status 2\n[\s\S]*__lxc_start: 2114 Failed to spawn container "102"\nstartup for container '102' failed\n$/);
  });

  it('starts it once net0 names vmbr0', async () => {
    assert.equal((await run(env.root, 'pct set 102 --net0 name=eth0,bridge=vmbr0,ip=192.168.2.21/24,gw=192.168.2.1 && pct start 102')).code, 0);
    assert.equal(env.t.runtime.isRunning(102), true);
  });
});
