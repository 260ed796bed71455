import { randomBytes } from 'node:crypto';
import { AuthenticationType, Client, utils } from 'ssh2';
import { InfrastructureError } from '../errors';
import { hostKeyFingerprint } from '../ssh/host-key-fingerprint';
import { Evidence } from '../report/evidence';
import { ProvisionedContainer } from './provision-container';
import { Target } from '../target/target';

/** What the guest's sshd said to a client that offered nothing, then a password. */
interface PasswordProbe {
  /** The methods the server lists after the `none` request: what it would accept at all. */
  methods: AuthenticationType[];
  outcome: 'accepted' | 'refused';
}

/**
 * Key-based authentication means the key works (the session the suite works through proves it) and a password does
 * not: this asks root's login through the same jump host with no credentials (the server answers with the methods it
 * allows), then with a random password, and expects the server to refuse it. The report gets both sides, named.
 */
export async function proveKeyOnlyLogin(target: Target, container: ProvisionedContainer, evidence: Evidence): Promise<void> {
  const probe = await probePasswordLogin(target, container);
  const key = utils.parseKey(target.build.workerKey);
  const keyLine = key instanceof Error ? 'the worker key (unreadable here)' : `public key ${key.type} ${hostKeyFingerprint(key.getPublicSSH())}`;
  const methods = probe.methods.length ? probe.methods.join(', ') : 'none listed';
  evidence.attach(
    `SSH login to ${container.hostname}: key ${probe.outcome === 'refused' ? 'accepted, password refused' : 'accepted, password ACCEPTED'}`,
    [
      `root@${container.hostname} (${container.ip}:22) through the Proxmox host, host key ${container.hostKeyFingerprint} (pinned)`,
      `server allows: ${methods}`,
      `offered ${keyLine}: accepted (the session this run works through)`,
      `offered a password (${PASSWORD_BYTES} random bytes, base64): ${probe.outcome}`,
    ].join('\n'),
  );
  if (probe.outcome === 'accepted') {
    throw new InfrastructureError('ssh', `${container.hostname} accepted a password login for root; the story requires key-only SSH. Set "PasswordAuthentication no" in its sshd_config.`);
  }
}

const PASSWORD_BYTES = 18;

function probePasswordLogin(target: Target, container: ProvisionedContainer): Promise<PasswordProbe> {
  return target.proxmoxHost.forward(container.ip, 22).then((sock) => new Promise<PasswordProbe>((resolve, reject) => {
    const client = new Client();
    let methods: AuthenticationType[] = [];
    const settle = (outcome: PasswordProbe['outcome']) => {
      client.end();
      resolve({ methods, outcome });
    };
    client.once('ready', () => settle('accepted'));
    client.once('error', (error: Error & { level?: string }) => {
      if (error.level === 'client-authentication') settle('refused');
      else reject(new InfrastructureError('ssh', `password login probe to ${container.hostname} failed before authentication: ${error.message}`));
    });
    let asked = 0;
    client.connect({
      sock,
      username: 'root',
      readyTimeout: 20_000,
      algorithms: { serverHostKey: ['ssh-ed25519'] },
      hostVerifier: (key: Buffer) => hostKeyFingerprint(key) === container.hostKeyFingerprint,
      // First nothing (the server's answer lists what it allows), then a password, then give up.
      authHandler: (authsLeft, _partial, next) => {
        asked += 1;
        if (asked === 1) return next('none');
        if (asked === 2) {
          methods = authsLeft ?? [];
          return next({ type: 'password', username: 'root', password: randomBytes(PASSWORD_BYTES).toString('base64') });
        }
        return next(false as unknown as AuthenticationType);
      },
    });
  }));
}
