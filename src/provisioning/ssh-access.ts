import { randomBytes } from 'node:crypto';
import { Client } from 'ssh2';
import { InfrastructureError } from '../errors';
import { hostKeyFingerprint } from '../ssh/host-key-fingerprint';
import { Evidence } from '../report/evidence';
import { ProvisionedContainer } from './provision-container';
import { Target } from '../target/target';

/**
 * Key-based authentication means the key works (the session in use proves it) and a password does not: this tries
 * root with a random password through the same jump host and expects the server to refuse it.
 */
export async function proveKeyOnlyLogin(target: Target, container: ProvisionedContainer, evidence: Evidence): Promise<void> {
  const sock = await target.proxmoxHost.forward(container.ip, 22);
  const client = new Client();
  const outcome = await new Promise<'accepted' | 'refused'>((resolve, reject) => {
    client.once('ready', () => resolve('accepted'));
    client.once('error', (error: Error & { level?: string }) => {
      if (error.level === 'client-authentication') resolve('refused');
      else reject(new InfrastructureError('ssh', `password login probe to ${container.hostname} failed before authentication: ${error.message}`));
    });
    client.connect({
      sock,
      username: 'root',
      password: randomBytes(18).toString('base64'),
      tryKeyboard: false,
      readyTimeout: 20_000,
      algorithms: { serverHostKey: ['ssh-ed25519'] },
      hostVerifier: (key: Buffer) => hostKeyFingerprint(key) === container.hostKeyFingerprint,
    });
  });
  client.end();
  evidence.note(`root@${container.hostname}: key login accepted, password login ${outcome}`);
  if (outcome === 'accepted') {
    throw new InfrastructureError('ssh', `${container.hostname} accepted a password login for root; the story requires key-only SSH. Set "PasswordAuthentication no" in its sshd_config.`);
  }
}
