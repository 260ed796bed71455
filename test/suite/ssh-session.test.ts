import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { generateEd25519KeyPair } from '../../lab/pki/ssh-keys';
import { InfrastructureError } from '../../src/errors';
import { SshSession } from '../../src/ssh/ssh-session';

const endpoint = { label: 'Proxmox host pve', host: '127.0.0.1', username: 'root', hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`, system: 'proxmox-host' as const };

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('opening an SSH session', () => {
  it('says the key is unreadable, without leaving a socket behind to crash the run', async () => {
    await assert.rejects(
      SshSession.open({ ...endpoint, port: await closedPort(), privateKey: 'not a key' }),
      (error: Error) => error instanceof InfrastructureError && /SSH to Proxmox host pve \(127\.0\.0\.1:\d+\) not attempted: Cannot parse privateKey/.test(error.message),
    );
  });

  it('names the host and the refusal when nothing listens', async () => {
    await assert.rejects(
      SshSession.open({ ...endpoint, port: await closedPort(), privateKey: generateEd25519KeyPair().private }),
      (error: Error) => error instanceof InfrastructureError && /SSH to Proxmox host pve \(127\.0\.0\.1:\d+\) failed: connect ECONNREFUSED/.test(error.message),
    );
  });
});
