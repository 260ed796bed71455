import { randomBytes } from 'node:crypto';
import type { Caller } from './api-access';

/** One RBAC PolicyRule, as a Role or ClusterRole lists it (core group only: the lab serves core/v1). */
export interface PolicyRule {
  apiGroups?: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** A grant as a (Cluster)RoleBinding makes it: rules, cluster-wide or in one namespace. */
export interface Grant {
  rules: PolicyRule[];
  namespace?: string;
}

/**
 * ServiceAccount tokens and what they may do: the bearer-token authenticator and the RBAC authorizer reduced to
 * what a pod running in the cluster needs. The lab does not serve the rbac.authorization.k8s.io objects themselves;
 * a test grants a ServiceAccount the rules of its manifests here. Evaluation follows RBAC: a request is allowed when
 * some granted rule matches its verb and resource (subresources as "pods/status"), in scope; "*" matches anything.
 */
export class ServiceAccounts {
  private readonly tokens = new Map<string, { namespace: string; name: string }>();
  private readonly grants = new Map<string, Grant[]>();

  /** A token for system:serviceaccount:<namespace>:<name>, as the kubelet projects into a pod. */
  issueToken(namespace: string, name: string): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { namespace, name });
    return token;
  }

  grant(namespace: string, name: string, grant: Grant): void {
    const user = userName(namespace, name);
    this.grants.set(user, [...(this.grants.get(user) ?? []), grant]);
  }

  authenticate(authorization: string | undefined): Caller | undefined {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const account = token ? this.tokens.get(token) : undefined;
    if (!account) return undefined;
    return { user: userName(account.namespace, account.name), groups: ['system:serviceaccounts', `system:serviceaccounts:${account.namespace}`, 'system:authenticated'] };
  }

  allows(user: string, access: { verb: string; resource: string; namespace?: string; name?: string }): boolean {
    return (this.grants.get(user) ?? []).some(
      (grant) =>
        (grant.namespace === undefined || grant.namespace === access.namespace) &&
        grant.rules.some(
          (rule) =>
            (rule.apiGroups ?? ['']).some((group) => group === '' || group === '*') &&
            matches(rule.verbs, access.verb) &&
            matches(rule.resources, access.resource) &&
            (!rule.resourceNames?.length || (access.name !== undefined && rule.resourceNames.includes(access.name))),
        ),
    );
  }
}

function matches(allowed: string[], wanted: string): boolean {
  return allowed.includes('*') || allowed.includes(wanted);
}

function userName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}
