import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';
import { nodePasswordSecretName } from '../../contracts/k3s-join';
import type { ObjectStore } from '../apiserver/object-store';

// k3s keeps an scrypt hash of each node's password in kube-system/<node>.node-password.k3s, written as
// `$1:<salt hex>:<log2 N>:<r>:<p>:<base64 key>` (pkg/authenticator/hash/scrypt.go: N=2^15, r=8, p=1, 64-byte key).
const N_LOG2 = 15;
const KEY_LENGTH = 64;
// 128 * N * r is exactly Node's default scrypt memory limit; leave room.
const MAX_MEMORY = 64 * 1024 * 1024;

/** The secret type k3s v1.34 gives node-password secrets (pkg/nodepassword, SecretTypeNodePassword). */
export const NODE_PASSWORD_SECRET_TYPE = 'k3s.cattle.io/node-password';

/**
 * scrypt on libuv's thread pool: the cost is k3s's (32 MiB, tens of milliseconds), but the lab's event loop, and the
 * suite sharing the process with an embedded lab, go on meanwhile, as they would beside a real server.
 */
function scryptAsync(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashNodePassword(password: string, salt = randomBytes(8)): Promise<string> {
  const key = await scryptAsync(password, salt, KEY_LENGTH, { N: 2 ** N_LOG2, r: 8, p: 1, maxmem: MAX_MEMORY });
  return `$1:${salt.toString('hex')}:${N_LOG2}:8:1:${key.toString('base64').replace(/=+$/, '')}`;
}

/** SCrypt.VerifyHash: undefined when `password` matches, else its error text. */
async function verifyHash(stored: string, password: string): Promise<string | undefined> {
  const parts = /^\$(\d+):([0-9a-f]+):(\d+):(\d+):(\d+):([A-Za-z0-9+/]+)$/.exec(stored);
  if (!parts) return 'input does not match format';
  const [, version, salt, nLog2, r, p, encoded] = parts;
  if (Number(version) !== 1) return `hash version ${version} does not match package version 1`;
  const expected = Buffer.from(encoded, 'base64');
  try {
    const candidate = await scryptAsync(password, Buffer.from(salt, 'hex'), expected.length, { N: 2 ** Number(nLog2), r: Number(r), p: Number(p), maxmem: MAX_MEMORY });
    return timingSafeEqual(candidate, expected) ? undefined : 'hash does not match';
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The first join of a node name records its password; later joins must bring the same one. Returns undefined when
 * the join may go on, or k3s's reason for refusing it (answered 403), e.g.
 * `unable to verify password for node k3s-worker-01: hash does not match` (pkg/nodepassword, passwordError).
 */
export async function checkNodePassword(store: ObjectStore, nodeName: string, password: string): Promise<string | undefined> {
  const name = nodePasswordSecretName(nodeName);
  const secret = store.get('secrets', 'kube-system', name);
  if (!secret) {
    const hash = await hashNodePassword(password);
    // Another join of the same name may have recorded its password while this one hashed: that one stands.
    if (store.get('secrets', 'kube-system', name)) return checkNodePassword(store, nodeName, password);
    store.create('secrets', {
      metadata: { name, namespace: 'kube-system' },
      immutable: true,
      type: NODE_PASSWORD_SECRET_TYPE,
      data: { hash: Buffer.from(hash).toString('base64') },
    });
    return undefined;
  }
  const hash = (secret.data as Record<string, string> | undefined)?.hash;
  const error = hash === undefined ? 'password hash not found in node secret' : await verifyHash(Buffer.from(hash, 'base64').toString('utf8'), password);
  return error === undefined ? undefined : `unable to verify password for node ${nodeName}: ${error}`;
}
