import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useStoryLab } from './story-lab';
import { WORKER_CREATE } from './test-node';

describe('the story\'s node hosts CT 100 k3s-master, the k3s server\'s container', () => {
  const story = useStoryLab();
  const { api, onHost } = story;

  it('lists CT 100 k3s-master running, with the story\'s k3s LXC settings and 192.168.2.20 on vmbr0', async () => {
    const [ct] = (await api('/nodes/pve/lxc')).json.data;
    assert.deepEqual([ct.vmid, ct.name, ct.status, ct.cpus, ct.maxmem], [100, 'k3s-master', 'running', 4, 8192 * 1024 ** 2]);
    assert.ok(ct.uptime > 86400, `up since the node booted, ${ct.uptime} s`);
    const config = (await api('/nodes/pve/lxc/100/config')).json.data;
    assert.match(config.net0, /^name=eth0,bridge=vmbr0,gw=192\.168\.2\.1,hwaddr=BC:24:11(:[0-9A-F]{2}){3},ip=192\.168\.2\.20\/24,type=veth$/);
    assert.equal(config.features, 'fuse=1,keyctl=1,nesting=1');
    assert.equal(config.rootfs, 'local-lvm:vm-100-disk-0,size=50G');
    assert.deepEqual(config.lxc.map(([key]: [string]) => key), ['lxc.apparmor.profile', 'lxc.cgroup2.devices.allow', 'lxc.cap.drop', 'lxc.mount.entry', 'lxc.mount.auto']);
    const interfaces = (await api('/nodes/pve/lxc/100/interfaces')).json.data;
    assert.equal(interfaces.find((i: { name: string }) => i.name === 'eth0').inet, '192.168.2.20/24');
  });

  it('answers /cluster/nextid with 101 and refuses a create at VMID 100: "CT 100 already exists on node \'pve\'"', async () => {
    assert.equal((await api('/cluster/nextid')).json.data, '101');
    const r = await api('/nodes/pve/lxc', { method: 'POST', form: { ...WORKER_CREATE, vmid: '100' } });
    assert.deepEqual([r.status, r.json.message], [500, "CT 100 already exists on node 'pve'\n"]);
    assert.match((await onHost('pct list')).stdout, /^100 +running +k3s-master/m);
  });

  it('leaves the k3s server answering at 192.168.2.20:6443, and cuts it off while CT 100 is stopped', async () => {
    const connect = () => story.lab.network.connect('192.168.2.20', 6443).then((socket) => (socket.destroy(), 'open'), (error: NodeJS.ErrnoException) => error.code);
    assert.equal(await connect(), 'open');
    assert.equal((await onHost('pct stop 100')).code, 0);
    assert.equal(await connect(), 'EHOSTUNREACH');
    assert.equal((await onHost('pct start 100')).code, 0);
    assert.equal(await connect(), 'open');
  });
});
