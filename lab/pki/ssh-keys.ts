import { createHash } from 'node:crypto';
import { utils } from 'ssh2';

export interface SshKeyPair {
  private: string;
  public: string;
}

/**
 * An SSH key pair that ssh2 can read back. ssh2 1.17 occasionally emits an ed25519 key it cannot parse itself
 * (about 1 in 256, mscdex/ssh2#1390), which would fail a run at random; such a pair is drawn again.
 */
export function generateSshKeyPair(make: () => SshKeyPair): SshKeyPair {
  for (;;) {
    const pair = make();
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

export function generateEd25519KeyPair(comment?: string): SshKeyPair {
  return generateSshKeyPair(() => utils.generateKeyPairSync('ed25519', comment ? { comment } : {}));
}

/** OpenSSH's fingerprint of a public key blob: `SHA256:` + unpadded base64 of its SHA-256. */
export function openSshFingerprint(publicKeyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '');
}

/** The fingerprint of an OpenSSH public key line (`ssh-ed25519 AAAA… comment`). */
export function publicKeyLineFingerprint(publicKeyLine: string): string {
  return openSshFingerprint(Buffer.from(publicKeyLine.trim().split(/\s+/)[1] ?? '', 'base64'));
}
