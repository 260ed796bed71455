import { randomBytes } from 'node:crypto';
import type { Caller } from './api-access';
import type { ObjectStore } from './object-store';

/**
 * ServiceAccount tokens: the bearer-token authenticator for a pod running in the cluster. What the account may do
 * is RBAC's (rbac-authorizer.ts), from the Roles and bindings applied to the lab like to any cluster.
 */
export class ServiceAccounts {
  private readonly tokens = new Map<string, { namespace: string; name: string; expiresAt?: Date }>();

  constructor(private readonly store: ObjectStore) {}

  /** A token for system:serviceaccount:<namespace>:<name>, as the kubelet projects into a pod. */
  issueToken(namespace: string, name: string): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { namespace, name });
    return token;
  }

  /**
   * A bound token (TokenRequest): valid for `expirationSeconds` from now. The lab's tokens are opaque; a real one is
   * a JWT signed by the apiserver's service-account key, carrying the audiences.
   */
  issueBoundToken(namespace: string, name: string, expirationSeconds: number, _audiences: string[]): { token: string; expiresAt: Date } {
    const token = this.issueToken(namespace, name);
    const expiresAt = new Date(Date.now() + expirationSeconds * 1000);
    this.tokens.set(token, { namespace, name, expiresAt });
    return { token, expiresAt };
  }

  authenticate(authorization: string | undefined): Caller | undefined {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const account = token ? this.tokens.get(token) : undefined;
    // A token outlives nothing: once its ServiceAccount is gone it no longer authenticates (serviceaccount/lookup.go).
    if (!account || !this.store.get('serviceaccounts', account.namespace, account.name)) return undefined;
    if (account.expiresAt && account.expiresAt.getTime() <= Date.now()) return undefined;
    return { user: userName(account.namespace, account.name), groups: ['system:serviceaccounts', `system:serviceaccounts:${account.namespace}`, 'system:authenticated'] };
  }
}

function userName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}
