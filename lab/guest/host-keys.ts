import { createHash } from 'node:crypto';
import { utils } from 'ssh2';
import type { GuestHostKey } from '../contracts/container-runtime';

export interface GeneratedHostKey extends GuestHostKey {
  /** OpenSSH private key, as in /etc/ssh/ssh_host_<type>_key */
  privateKey: string;
}

/** OpenSSH's fingerprint: SHA256 over the key blob (the base64 field of the .pub line), unpadded base64. */
export function openSshFingerprint(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64');
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/**
 * ssh2's keygen strips leading zero bytes from an ed25519 public key, so about 1 key in 256 cannot be parsed back
 * (mscdex/ssh2#1390, #1513): a guest with such a host key could not start its SSH server. Draw again until both
 * halves parse.
 */
export function generateParsableKeyPair(make: () => { private: string; public: string }): { private: string; public: string } {
  for (;;) {
    const pair = make();
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

/** What pve-container's vzcreate does: one key per type, commented root@<hostname>. */
export function generateHostKeys(hostname: string): GeneratedHostKey[] {
  const comment = `root@${hostname}`;
  const kinds: Array<{ type: string; make: () => { private: string; public: string } }> = [
    { type: 'rsa', make: () => utils.generateKeyPairSync('rsa', { bits: 2048, comment }) },
    { type: 'ecdsa', make: () => utils.generateKeyPairSync('ecdsa', { bits: 256, comment }) },
    { type: 'ed25519', make: () => utils.generateKeyPairSync('ed25519', { comment }) },
  ];
  return kinds.map(({ type, make }) => {
    const pair = generateParsableKeyPair(make);
    const publicKey = pair.public.trim();
    return { type, privateKey: pair.private, publicKey, fingerprint: openSshFingerprint(publicKey) };
  });
}
