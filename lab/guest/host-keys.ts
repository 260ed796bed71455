import { utils } from 'ssh2';
import type { GuestHostKey } from '../contracts/container-runtime';
import { generateSshKeyPair, publicKeyLineFingerprint } from '../pki/ssh-keys';

export interface GeneratedHostKey extends GuestHostKey {
  /** OpenSSH private key, as in /etc/ssh/ssh_host_<type>_key */
  privateKey: string;
}

export { generateSshKeyPair as generateParsableKeyPair };

/** What pve-container's vzcreate does: one key per type, commented root@<hostname>. */
export function generateHostKeys(hostname: string): GeneratedHostKey[] {
  const comment = `root@${hostname}`;
  const kinds: Array<{ type: string; make: () => { private: string; public: string } }> = [
    { type: 'rsa', make: () => utils.generateKeyPairSync('rsa', { bits: 2048, comment }) },
    { type: 'ecdsa', make: () => utils.generateKeyPairSync('ecdsa', { bits: 256, comment }) },
    { type: 'ed25519', make: () => utils.generateKeyPairSync('ed25519', { comment }) },
  ];
  return kinds.map(({ type, make }) => {
    const pair = generateSshKeyPair(make);
    const publicKey = pair.public.trim();
    return { type, privateKey: pair.private, publicKey, fingerprint: publicKeyLineFingerprint(publicKey) };
  });
}
