import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createCertificateAuthority, issueCertificate } from '../../lab/pki/certificates';
import { readAirgapDir } from '../../src/k3s/airgap-artifacts';
import { hashCa } from '../../src/k3s/ca-hash';
import { agentAuthorization, parseNodeToken } from '../../src/k3s/node-token';
import { skewViolation } from '../../src/k3s/version-skew';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('k3s join tokens, as pkg/clientaccess/token.go parses them', () => {
  it('reads a secure token\'s CA hash and password, and a bare password whole', () => {
    const hash = 'ab'.repeat(32);
    assert.deepEqual(parseNodeToken(`K10${hash}::server:s3cret`), { caHash: hash, credentials: { kind: 'password', password: 's3cret' } });
    assert.deepEqual(parseNodeToken('just:a-password'), { credentials: { kind: 'password', password: 'just:a-password' } });
    assert.deepEqual(parseNodeToken('abcdef.0123456789abcdef'), { credentials: { kind: 'bootstrap', token: 'abcdef.0123456789abcdef' } });
  });

  it('refuses what k3s refuses: a CA hash of the wrong length, no credentials after "::", an empty token', () => {
    assert.match((parseNodeToken('K10abc::server:x') as { problem: string }).problem, /invalid token CA hash length/);
    assert.match((parseNodeToken(`K10${'ab'.repeat(32)}::nocolon`) as { problem: string }).problem, /invalid token format/);
    assert.match((parseNodeToken('  ') as { problem: string }).problem, /must not be empty/);
  });

  it('authenticates as the agent does: node:<password> as Basic, a bootstrap token as Bearer', () => {
    assert.equal(agentAuthorization({ credentials: { kind: 'password', password: 'pw' } }), `Basic ${Buffer.from('node:pw').toString('base64')}`);
    assert.equal(agentAuthorization({ credentials: { kind: 'bootstrap', token: 'abcdef.0123456789abcdef' } }), 'Bearer abcdef.0123456789abcdef');
  });
});

describe('the token\'s CA hash, as hashCA computes it', () => {
  it('hashes one certificate\'s bytes, and a bundle by the DER of the root its first certificate chains to', async () => {
    const root = await createCertificateAuthority('k3s-server-ca@1');
    assert.equal(hashCa(root.certPem), sha256(root.certPem));
    const intermediate = await issueCertificate(root, { commonName: 'k3s-intermediate', usage: 'client' });
    const bundle = intermediate.certPem + root.certPem;
    assert.equal(hashCa(bundle), sha256(new X509Certificate(root.certPem).raw));
    assert.notEqual(hashCa(bundle), sha256(bundle));
  });
});

describe('the version-skew policy for the agent', () => {
  it('allows the server\'s minor and up to three older; refuses newer and four older', () => {
    assert.equal(skewViolation('v1.34.5+k3s1', 'v1.34.3+k3s1'), undefined, 'a newer patch of the same minor is within the policy');
    assert.equal(skewViolation('v1.31.9+k3s1', 'v1.34.3+k3s1'), undefined);
    assert.equal(skewViolation('v1.35.0+k3s1', 'v1.34.3+k3s1'), 'newer than the server\'s v1.34.3+k3s1');
    assert.equal(skewViolation('v1.30.14+k3s1', 'v1.34.3+k3s1'), '4 minor versions older than the server\'s v1.34.3+k3s1 (at most 3)');
  });
});

describe('K3S_AIRGAP_DIR', () => {
  function airgapDir(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'airgap-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return dir;
  }

  it('knows the release of its k3s before installing it, and checks the sums file', () => {
    const binary = 'ELF… github.com/k3s-io/k3s/pkg/version.Version=v1.34.3+k3s1 … v1.34.3+k3s1 … containerd v2.1.5-k3s1';
    const dir = airgapDir({ 'install.sh': '#!/bin/sh\n', k3s: binary, 'sha256sum-amd64.txt': `${sha256(binary)}  k3s\n` });
    assert.equal(readAirgapDir(dir).artifacts?.version, 'v1.34.3+k3s1');
  });

  it('names what is missing or does not match its sum', () => {
    assert.match(readAirgapDir(airgapDir({ k3s: 'v1.34.3+k3s1' })).problems[0].problem, /has no install\.sh/);
    const tampered = airgapDir({ 'install.sh': '', k3s: 'v1.34.3+k3s1', 'sha256sum-amd64.txt': `${'0'.repeat(64)}  k3s\n` });
    assert.match(readAirgapDir(tampered).problems[0].problem, /has a k3s whose sha256 .* is not the 000000000000… in sha256sum-amd64\.txt/);
  });
});
