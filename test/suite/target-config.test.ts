import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/errors';
import { SecretRegistry } from '../../src/secrets/secret-registry';
import { loadTargetConfig } from '../../src/target/target-config';

const dir = mkdtempSync(join(tmpdir(), 'target-config-'));
const keyFile = join(dir, 'id');
writeFileSync(keyFile, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n');
const valid = {
  PROXMOX_VE_ENDPOINT: 'https://127.0.0.1:8006/',
  PROXMOX_VE_API_TOKEN: 'root@pam!ci=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  PROXMOX_VE_SSH_PRIVATE_KEY_FILE: keyFile,
  PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT: `SHA256:${'A'.repeat(43)}`,
  K3S_TOKEN: `K10${'a'.repeat(64)}::server:s3cretpassword`,
  KUBECONFIG: '/tmp/kubeconfig',
};

describe('target configuration from the environment', () => {
  it('reads the Terraform-provider and k3s variable names', () => {
    const config = loadTargetConfig(valid, new SecretRegistry());
    assert.equal(config.build!.proxmox.tokenId, 'root@pam!ci');
    assert.equal(config.build!.proxmox.ssh.host, '127.0.0.1');
    assert.equal(config.build!.proxmox.ssh.port, 22);
    assert.equal(config.keepOnFailure, false);
    assert.equal(config.reinstall, false);
    assert.equal(loadTargetConfig({ ...valid, SUITE_REINSTALL: '1' }, new SecretRegistry()).reinstall, true);
  });

  it('reports every missing or malformed variable at once', () => {
    try {
      loadTargetConfig({ PROXMOX_VE_ENDPOINT: 'http://pve:8006', PROXMOX_VE_API_TOKEN: 'root@pam=abc', K3S_URL: 'http://192.168.2.20:6443' }, new SecretRegistry());
      assert.fail('expected a ConfigurationError');
    } catch (error) {
      assert.ok(error instanceof ConfigurationError);
      const inputs = error.problems.map((p) => p.input.split(' ')[0]);
      assert.deepEqual(inputs, ['PROXMOX_VE_ENDPOINT', 'PROXMOX_VE_API_TOKEN', 'PROXMOX_VE_SSH_PRIVATE_KEY', 'PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', 'K3S_TOKEN', 'K3S_URL', 'KUBECONFIG']);
      assert.match(error.message, /nothing was created/);
    }
  });

  it('registers the token secret, the k3s token and its password as secrets', () => {
    const secrets = new SecretRegistry();
    loadTargetConfig(valid, secrets);
    const masked = secrets.mask(`token 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0 and ${valid.K3S_TOKEN} and s3cretpassword`);
    assert.equal(masked, 'token *** and *** and ***');
  });

  it('without any Proxmox or token variable, reads a cluster-only target, and a build is refused naming what it needs', () => {
    const readOnly = { KUBECONFIG: '/tmp/kubeconfig', K3S_URL: 'https://192.168.2.20:6443' };
    const config = loadTargetConfig(readOnly, new SecretRegistry(), 'read');
    assert.equal(config.build, undefined);
    assert.deepEqual(config.missingForBuild.map((p) => p.input), ['PROXMOX_VE_ENDPOINT', 'PROXMOX_VE_API_TOKEN', 'PROXMOX_VE_SSH_PRIVATE_KEY', 'PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', 'K3S_TOKEN']);
    assert.throws(() => loadTargetConfig(readOnly, new SecretRegistry(), 'build'), (error: ConfigurationError) => error.problems.length === 5 && /PROXMOX_VE_ENDPOINT: is not set/.test(error.message));
  });

  it('a Proxmox variable set alone is a mistake even for a read: the others it needs are named', () => {
    assert.throws(
      () => loadTargetConfig({ KUBECONFIG: '/tmp/kubeconfig', PROXMOX_VE_ENDPOINT: 'https://pve:8006/' }, new SecretRegistry(), 'read'),
      (error: ConfigurationError) => error.problems.map((p) => p.input).join() === 'PROXMOX_VE_API_TOKEN,PROXMOX_VE_SSH_PRIVATE_KEY,PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT,K3S_TOKEN',
    );
  });
});
