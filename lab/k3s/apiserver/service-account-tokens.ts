import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { Caller } from './api-access';
import type { ObjectStore } from './object-store';

/**
 * ServiceAccount tokens: the bearer-token authenticator for a pod running in the cluster. What the account may do
 * is RBAC's (rbac-authorizer.ts), from the Roles and bindings applied to the lab like to any cluster.
 */
export class ServiceAccounts {
  private readonly tokens = new Map<string, { namespace: string; name: string; uid?: string; expiresAt?: Date }>();
  /** The apiserver's service-account signing key (k3s: server/tls/service.key), made on first use. */
  private signingKey?: { privateKey: KeyObject; kid: string };

  constructor(private readonly store: ObjectStore) {}

  /** A token for system:serviceaccount:<namespace>:<name>, as the kubelet projects into a pod. */
  issueToken(namespace: string, name: string): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { namespace, name });
    return token;
  }

  /**
   * A bound token (TokenRequest): a JWT signed RS256 with the server's service-account key, with the claims
   * kube-apiserver puts in one (pkg/serviceaccount/claims.go: iss, sub, aud, exp, iat, nbf, jti, kubernetes.io),
   * valid for `expirationSeconds` and only while the same ServiceAccount (by uid) exists.
   */
  issueBoundToken(namespace: string, name: string, expirationSeconds: number, audiences: string[]): { token: string; expiresAt: Date } {
    const uid = this.store.get('serviceaccounts', namespace, name)?.metadata.uid;
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = new Date((issuedAt + expirationSeconds) * 1000);
    const key = (this.signingKey ??= newSigningKey());
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256', kid: key.kid })}.${encode({
      aud: audiences, exp: issuedAt + expirationSeconds, iat: issuedAt, iss: SERVICE_ACCOUNT_ISSUER, jti: randomUUID(),
      'kubernetes.io': { namespace, serviceaccount: { name, uid } }, nbf: issuedAt, sub: userName(namespace, name),
    })}`;
    const token = `${unsigned}.${sign('sha256', Buffer.from(unsigned), key.privateKey).toString('base64url')}`;
    this.tokens.set(token, { namespace, name, uid, expiresAt });
    return { token, expiresAt };
  }

  authenticate(authorization: string | undefined): Caller | undefined {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const account = token ? this.tokens.get(token) : undefined;
    // A token outlives nothing: once its ServiceAccount is gone it no longer authenticates (serviceaccount/lookup.go).
    const serviceAccount = account && this.store.get('serviceaccounts', account.namespace, account.name);
    if (!account || !serviceAccount || (account.uid && serviceAccount.metadata.uid !== account.uid)) return undefined;
    if (account.expiresAt && account.expiresAt.getTime() <= Date.now()) return undefined;
    return { user: userName(account.namespace, account.name), groups: ['system:serviceaccounts', `system:serviceaccounts:${account.namespace}`, 'system:authenticated'] };
  }
}

function userName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** k3s's --service-account-issuer, and its --api-audiences (the issuer, and `k3s`). */
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const API_AUDIENCES = [SERVICE_ACCOUNT_ISSUER, 'k3s'];

/** An RSA 2048 key, and its key id as kube-apiserver derives it: base64url of the sha256 of the public key's DER. */
function newSigningKey(): { privateKey: KeyObject; kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, kid: createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url') };
}
