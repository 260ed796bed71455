import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { nodePasswordSecretName } from '../contracts/k3s-join';
import type { ObjectStore } from './object-store';

// k3s stores a scrypt hash of each node's password in kube-system/<node>.node-password.k3s (pkg/nodepassword).
const N_LOG2 = 14;

function hashPassword(password: string, salt = randomBytes(8).toString('hex')): string {
  const hash = scryptSync(password, salt, 32, { N: 2 ** N_LOG2, r: 8, p: 1 }).toString('hex');
  return `$1:${salt}:${N_LOG2}:8:1:${hash}`;
}

function verifyPassword(password: string, stored: string): boolean {
  const [, salt, nLog2, , , hash] = stored.split(':');
  if (!salt || !hash || Number(nLog2) !== N_LOG2) return false;
  const candidate = scryptSync(password, salt, 32, { N: 2 ** N_LOG2, r: 8, p: 1 });
  const expected = Buffer.from(hash, 'hex');
  return expected.length === candidate.length && timingSafeEqual(candidate, expected);
}

/**
 * The first join of a node name records its password; later joins must bring the same one. Returns false when the
 * secret holds another password (k3s answers that with 403 and the "Node password rejected" message).
 */
export function checkNodePassword(store: ObjectStore, nodeName: string, password: string): boolean {
  const name = nodePasswordSecretName(nodeName);
  const secret = store.get('secrets', 'kube-system', name);
  if (secret) {
    const stored = Buffer.from(((secret.data as Record<string, string> | undefined)?.hash) ?? '', 'base64').toString('utf8');
    return verifyPassword(password, stored);
  }
  store.create('secrets', {
    metadata: { name, namespace: 'kube-system' },
    immutable: true,
    type: 'Opaque',
    data: { hash: Buffer.from(hashPassword(password)).toString('base64') },
  });
  return true;
}
