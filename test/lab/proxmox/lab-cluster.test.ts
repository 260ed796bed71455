import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLab, type RunningLab } from '../../../lab';
import { labOptionsFromArgs, labOptionsFromEnv } from '../../../lab/lab-settings';
import { apiClient } from './test-node';

const GiB = 1024 ** 3;

describe('the lab\'s Proxmox cluster settings (--pve-nodes, --pve-node-capacity)', () => {
  it('reads --pve-nodes 3 and repeated --pve-node-capacity flags, each a node\'s CPUs, free memory and free disk', () => {
    const options = labOptionsFromArgs(['--pve-nodes', '3', '--pve-node-capacity', 'pve1=2cpu,4GB', '--pve-node-capacity', 'pve2=8cpu,16GB,200GBdisk'], {}, '/tmp');
    assert.equal(options.pveNodes, 3);
    assert.deepEqual(Object.fromEntries(options.pveNodeCapacity!), {
      pve1: { cpus: 2, freeMemoryBytes: 4 * GiB },
      pve2: { cpus: 8, freeMemoryBytes: 16 * GiB, freeDiskBytes: 200 * GiB },
    });
  });

  it('reads the same from LAB_PVE_NODES and LAB_PVE_NODE_CAPACITY, whose nodes follow each other', () => {
    const options = labOptionsFromEnv({ LAB_PVE_NODES: '2', LAB_PVE_NODE_CAPACITY: 'pve1=2cpu,4GB,pve2=512MB' }, '/tmp');
    assert.equal(options.pveNodes, 2);
    assert.deepEqual(Object.fromEntries(options.pveNodeCapacity!), { pve1: { cpus: 2, freeMemoryBytes: 4 * GiB }, pve2: { freeMemoryBytes: 512 * 1024 ** 2 } });
  });

  it('refuses a bad value naming the flag or variable and what it accepts', () => {
    assert.throws(() => labOptionsFromArgs(['--pve-nodes', '10'], {}, '/tmp'), /^Error: --pve-nodes: "10" is not a number of nodes from 1 to 9/);
    assert.throws(() => labOptionsFromEnv({ LAB_PVE_NODE_CAPACITY: 'pve1=2cpu,4G' }, '/tmp'), /^Error: LAB_PVE_NODE_CAPACITY: "4G" is neither CPUs \(2cpu\), free memory \(4GB\) nor free disk \(200GBdisk\)/);
    assert.throws(() => labOptionsFromEnv({ LAB_PVE_NODE_CAPACITY: '2cpu' }, '/tmp'), /does not say which node it is for/);
  });
});

describe('a lab of three Proxmox nodes (npm run lab -- --pve-nodes 3)', () => {
  let lab: RunningLab;
  let stateDir: string;
  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'lab-cluster-'));
    lab = await startLab({ stateDir, pveNodes: 3, pveNodeCapacity: new Map([['pve3', { cpus: 2, freeMemoryBytes: 4 * GiB }]]) });
  });
  after(async () => {
    await lab.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('puts the endpoint on pve1 and keeps PROXMOX_VE_SSH_* for it', () => {
    assert.deepEqual(lab.proxmoxNodes.map((node) => [node.nodeName, node.hostIp]), [['pve1', '192.168.2.10'], ['pve2', '192.168.2.11'], ['pve3', '192.168.2.12']]);
    assert.equal(lab.env.PROXMOX_VE_NODE, 'pve1');
    assert.equal(lab.env.PROXMOX_VE_SSH_PORT, String(lab.proxmoxNodes[0].sshPort));
    assert.equal(lab.env.PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT, lab.proxmoxNodes[0].sshHostKeyFingerprint);
  });

  it('writes every node\'s SSH address, port and host key to lab.env (PROXMOX_VE_SSH_NODE_<NAME>_*) and a Host per node to ssh_config', () => {
    const config = readFileSync(join(stateDir, 'ssh_config'), 'utf8');
    const knownHosts = readFileSync(join(stateDir, 'known_hosts'), 'utf8');
    for (const node of lab.proxmoxNodes) {
      const prefix = `PROXMOX_VE_SSH_NODE_${node.nodeName.toUpperCase()}`;
      assert.equal(lab.env[`${prefix}_ADDRESS`], '127.0.0.1');
      assert.equal(lab.env[`${prefix}_PORT`], String(node.sshPort));
      assert.equal(lab.env[`${prefix}_HOST_KEY_FINGERPRINT`], node.sshHostKeyFingerprint);
      assert.ok(config.includes(`Host ${node.nodeName}\n  HostName 127.0.0.1\n  Port ${node.sshPort}\n`), config);
      assert.ok(knownHosts.includes(`[127.0.0.1]:${node.sshPort} ${node.sshHostPublicKey}`), knownHosts);
    }
  });

  it('gives pve3 the capacity asked for: 2 CPUs and 4 GiB free', async () => {
    const client = apiClient(lab.proxmox);
    try {
      const token = lab.env.PROXMOX_VE_API_TOKEN;
      const pve3 = (await client.api('/nodes', { token })).json.data.find((node: { node: string }) => node.node === 'pve3');
      assert.deepEqual([pve3.maxcpu, (pve3.maxmem - pve3.mem) / GiB], [2, 4]);
    } finally {
      await client.close();
    }
  });
});
