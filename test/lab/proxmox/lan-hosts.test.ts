import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostKernel } from '../../../lab/contracts/host-kernel';
import { VirtualNetwork } from '../../../lab/net/virtual-network';
import { run, sshAsRoot } from './ssh-client';
import { useStoryLab } from './story-lab';
import { startTestNode, WORKER_CREATE } from './test-node';

describe('the LAN around the story\'s node: a QEMU VM and devices that are no guest', () => {
  const story = useStoryLab();
  const { api, onHost } = story;

  it('lists VM 200 home-assistant as qemu in /cluster/resources and GET /nodes/{node}/qemu (pve-manager Cluster.pm, qemu-server API2/Qemu.pm vmlist)', async () => {
    const vm = (await api('/cluster/resources?type=vm')).json.data.find((r: { vmid: number }) => r.vmid === 200);
    assert.deepEqual([vm.id, vm.type, vm.node, vm.name, vm.status], ['qemu/200', 'qemu', 'pve', 'home-assistant', 'running']);
    const [listed] = (await api('/nodes/pve/qemu')).json.data;
    assert.deepEqual([listed.vmid, listed.name, listed.status, listed.cpus, listed.maxmem, listed.maxdisk], [200, 'home-assistant', 'running', 2, 4096 * 1024 ** 2, 32 * 1024 ** 3]);
  });

  it('reads its address from the cloud-init ipconfig0 of GET /nodes/{node}/qemu/200/config (qemu-server vm_config, check_type numbers)', async () => {
    const config = (await api('/nodes/pve/qemu/200/config')).json.data;
    assert.equal(config.ipconfig0, 'ip=192.168.2.30/24,gw=192.168.2.1');
    assert.match(config.net0, /^virtio=BC:24:11(:[0-9A-F]{2}){3},bridge=vmbr0$/);
    assert.deepEqual([config.cores, config.memory, config.onboot], [2, '4096', 1]);
    assert.match(config.digest, /^[0-9a-f]{40}$/);
    const missing = await api('/nodes/pve/qemu/201/config');
    assert.deepEqual([missing.status, missing.json.message], [500, "Configuration file 'nodes/pve/qemu-server/201.conf' does not exist\n"]);
  });

  it('keeps VMID 200 taken for containers: "VM 200 already exists on node \'pve\'" (Cluster.pm check_vmid_unused), and lists its disks on local-lvm', async () => {
    const r = await api('/nodes/pve/lxc', { method: 'POST', form: { ...WORKER_CREATE, vmid: '200' } });
    assert.deepEqual([r.status, r.json.message], [500, "VM 200 already exists on node 'pve'\n"]);
    const volumes = (await api('/nodes/pve/storage/local-lvm/content?content=images')).json.data.map((v: { volid: string }) => v.volid);
    assert.deepEqual(volumes.sort(), ['local-lvm:vm-200-cloudinit', 'local-lvm:vm-200-disk-0', 'local-lvm:vm-200-disk-1']);
    assert.match((await onHost('qm list')).stdout, /^ +200 home-assistant +running +4096 +32\.00 \d+ +$/m);
  });

  it('pings the VM and the printer with iputils\' output, exit 0 (iputils 20221126 ping_common.c finish)', async () => {
    const vm = await onHost('ping -c 2 -W 1 192.168.2.30');
    assert.equal(vm.code, 0);
    assert.match(
      vm.stdout,
      /^PING 192\.168\.2\.30 \(192\.168\.2\.30\) 56\(84\) bytes of data\.\n64 bytes from 192\.168\.2\.30: icmp_seq=1 ttl=64 time=0\.\d{3} ms\n64 bytes from 192\.168\.2\.30: icmp_seq=2 ttl=64 time=0\.\d{3} ms\n\n--- 192\.168\.2\.30 ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss, time 1001ms\nrtt min\/avg\/max\/mdev = 0\.\d{3}\/0\.\d{3}\/0\.\d{3}\/0\.\d{3} ms\n$/,
    );
    assert.equal((await onHost('ping -c 1 -W 1 192.168.2.22')).code, 0);
  });

  it('gets no answer where nothing is, exit 1: silence within -W 1, Destination Host Unreachable once ARP gives up', async () => {
    assert.deepEqual(await onHost('ping -c 1 -W 1 192.168.2.40'), {
      stdout: 'PING 192.168.2.40 (192.168.2.40) 56(84) bytes of data.\n\n--- 192.168.2.40 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time 0ms\n\n',
      stderr: '',
      code: 1,
    });
    const three = await onHost('ping -c 3 192.168.2.41');
    assert.equal(three.code, 1);
    assert.equal(
      three.stdout,
      [
        'PING 192.168.2.41 (192.168.2.41) 56(84) bytes of data.',
        'From 192.168.2.10 icmp_seq=1 Destination Host Unreachable',
        'From 192.168.2.10 icmp_seq=2 Destination Host Unreachable',
        'From 192.168.2.10 icmp_seq=3 Destination Host Unreachable',
        '',
        '--- 192.168.2.41 ping statistics ---',
        '3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2002ms',
        'pipe 3',
        '',
      ].join('\n'),
    );
  });

  it('shows who answered ARP in `ip neigh`, with their MACs, and FAILED for who did not (iproute2)', async () => {
    const neigh = (await onHost('ip neigh')).stdout;
    assert.match(neigh, /^192\.168\.2\.22 dev vmbr0 lladdr 00:80:77:5c:21:9e REACHABLE$/m);
    assert.match(neigh, /^192\.168\.2\.1 dev vmbr0 lladdr 3c:37:12:4a:0b:01 REACHABLE$/m);
    assert.match(neigh, /^192\.168\.2\.40 dev vmbr0 FAILED$/m);
    assert.equal((await onHost('ip neigh show 192.168.2.22')).stdout, '192.168.2.22 dev vmbr0 lladdr 00:80:77:5c:21:9e REACHABLE\n');
  });

  it('has the printer refuse TCP (it answers ping only)', async () => {
    await assert.rejects(story.lab.network.connect('192.168.2.22', 22), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED');
  });
});

describe('a device and a guest claiming one address (lab/net VirtualNetwork)', () => {
  it('lets the guest\'s listeners win while both are up, and the device still answers once the guest is gone', () => {
    const network = new VirtualNetwork();
    network.addDevice('192.168.2.22', { name: 'printer', hwaddr: '00:80:77:5C:21:9E' });
    const close = network.expose('192.168.2.22', 22, 40022);
    assert.equal(network.resolve('192.168.2.22', 22), 40022);
    close();
    network.detachHost('192.168.2.22');
    assert.equal(network.hasHost('192.168.2.22'), true);
    assert.throws(() => network.resolve('192.168.2.22', 22), /connect ECONNREFUSED 192\.168\.2\.22:22/);
  });
});

describe('sysctl on the node reads and sets its kernel (HostKernel, procps-ng sysctl.c)', () => {
  it('prints NAME = value, -n the value, -a all, sets with -w, and refuses an unknown key', async () => {
    const kernel = new HostKernel();
    const t = await startTestNode({ kernel });
    const root = await sshAsRoot(t);
    try {
      kernel.write('vm.panic_on_oom', '1');
      assert.deepEqual(await run(root, 'sysctl vm.panic_on_oom kernel.panic'), { stdout: 'vm.panic_on_oom = 1\nkernel.panic = 0\n', stderr: '', code: 0 });
      assert.equal((await run(root, 'sysctl -n vm.panic_on_oom')).stdout, '1\n');
      assert.match((await run(root, 'sysctl -a')).stdout, /^kernel\.keys\.root_maxkeys = 1000000$/m);
      assert.equal((await run(root, 'sysctl -w kernel.panic=10')).stdout, 'kernel.panic = 10\n');
      assert.equal(kernel.read('kernel.panic'), '10');
      assert.deepEqual(await run(root, 'sysctl kernel.nope'), { stdout: '', stderr: 'sysctl: cannot stat /proc/sys/kernel/nope: No such file or directory\n', code: 1 });
    } finally {
      root.end();
      await t.stop();
    }
  });
});
