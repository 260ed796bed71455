import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InfrastructureError } from '../../src/errors';
import { ProxmoxNodeClient, type ProxmoxConnection } from '../../src/proxmox/proxmox-node-client';
import { LIMITED_SECRET, LIMITED_TOKEN_ID, startTestNode, TOKEN_ID, TOKEN_SECRET, type TestNode } from '../lab/proxmox/test-node';

// The suite's Proxmox path against the lab's Proxmox node, through the real proxmox-api client over real TLS.
describe('the suite\'s Proxmox client', () => {
  let lab: TestNode;
  let connection: ProxmoxConnection;
  before(async () => {
    lab = await startTestNode();
    connection = { endpoint: new URL(lab.node.apiUrl), tokenId: TOKEN_ID, tokenSecret: TOKEN_SECRET, fingerprint: lab.node.tlsFingerprint };
  });
  after(() => lab.stop());

  it('connects when the certificate has the pinned SHA-256 fingerprint and finds the node', async () => {
    const client = await ProxmoxNodeClient.connect(connection);
    assert.equal(client.node, 'pve');
    assert.match((await client.version()).version, /^8\./);
  });

  it('refuses a certificate whose fingerprint differs from the pin, showing the one it saw', async () => {
    const wrong = 'AA:' + lab.node.tlsFingerprint.slice(3);
    await assert.rejects(ProxmoxNodeClient.connect({ ...connection, fingerprint: wrong }), (error: Error) => {
      assert.ok(error instanceof InfrastructureError);
      assert.ok(error.message.includes(`has SHA-256 fingerprint ${lab.node.tlsFingerprint}, not the pinned ${wrong}`), error.message);
      assert.match(error.message, /update PROXMOX_VE_TLS_FINGERPRINT/);
      return true;
    });
  });

  it('verifies by CA file when no fingerprint is pinned (pve-root-ca.pem)', async () => {
    const client = await ProxmoxNodeClient.connect({ ...connection, fingerprint: undefined, caPem: lab.node.caPem });
    assert.equal(client.node, 'pve');
  });

  it('refuses the self-signed certificate when neither pin nor CA is given (system trust store)', async () => {
    await assert.rejects(ProxmoxNodeClient.connect({ ...connection, fingerprint: undefined }), /Proxmox API unreachable \(.*(self-signed|unable to verify|certificate)/i);
  });

  it('says which privilege a token lacks, and where, when it may not allocate the VM (pve-access-control 403)', async () => {
    const client = new ProxmoxNodeClient({ ...connection, tokenId: LIMITED_TOKEN_ID, tokenSecret: LIMITED_SECRET }, 'pve');
    await assert.rejects(
      client.createContainer({ vmid: 150, ostemplate: 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst', hostname: 'x', cores: 1, memory: 512, swap: 0, rootfs: 'local-lvm:8', net0: 'name=eth0,bridge=vmbr0,ip=dhcp', 'ssh-public-keys': 'ssh-ed25519 AAAA x', unprivileged: false }),
      (error: Error) => {
        assert.match(error.message, /Proxmox refused to create CT 150: 403 Permission check failed \(\/vms\/150, VM\.Allocate\)/);
        assert.match(error.message, /The API token lacks this privilege/);
        return true;
      },
    );
  });

  it('names the token variable when the secret is wrong (401 Authentication failed!)', async () => {
    const client = new ProxmoxNodeClient({ ...connection, tokenSecret: '00000000-0000-4000-8000-000000000000' }, 'pve');
    await assert.rejects(client.version(), /401 .*Check PROXMOX_VE_API_TOKEN/);
  });

  it('reports a missing container as absent rather than as an error', async () => {
    const client = new ProxmoxNodeClient(connection, 'pve');
    assert.equal(await client.containerStatus(999), undefined);
  });
});
