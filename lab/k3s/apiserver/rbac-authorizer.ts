import type { AccessRequest, Caller } from './api-access';
import type { KubeObject } from '../../contracts/kube-object';
import type { ObjectStore } from './object-store';

/** One rule of a Role or ClusterRole (rbac/v1 PolicyRule). */
interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * The RBAC authorizer over the Roles, ClusterRoles and their bindings in the store (plugin/pkg/auth/authorizer/rbac):
 * a request is allowed when a binding names the caller (user, group, or ServiceAccount) and the role it refers to has
 * a rule matching the request's API group, resource (subresources as `pods/status`), verb and name. A ClusterRoleBinding
 * grants everywhere; a RoleBinding only in its namespace. `*` matches anything. Rules only ever allow.
 */
export function rbacAllows(store: ObjectStore, caller: Caller, access: AccessRequest): boolean {
  const roleRef = (binding: KubeObject) => (binding.roleRef ?? {}) as { kind?: string; name?: string };
  const named = (binding: KubeObject) => ((binding.subjects ?? []) as Subject[]).some((subject) => names(subject, caller));
  const clusterRole = (name = '') => store.get('clusterroles', undefined, name);
  const rulesOf = (role: KubeObject | undefined) => (role?.rules ?? []) as PolicyRule[];

  const clusterWide = store.list('clusterrolebindings').filter(named).flatMap((binding) => rulesOf(clusterRole(roleRef(binding).name)));
  if (clusterWide.some((rule) => ruleAllows(rule, access))) return true;
  if (access.namespace === undefined) return false;
  const inNamespace = store.list('rolebindings', access.namespace).filter(named).flatMap((binding) => rulesOf(
    roleRef(binding).kind === 'ClusterRole' ? clusterRole(roleRef(binding).name) : store.get('roles', access.namespace, roleRef(binding).name ?? ''),
  ));
  return inNamespace.some((rule) => ruleAllows(rule, access));
}

function names(subject: Subject, caller: Caller): boolean {
  switch (subject.kind) {
    case 'User': return subject.name === caller.user;
    case 'Group': return caller.groups.includes(subject.name);
    case 'ServiceAccount': return caller.user === `system:serviceaccount:${subject.namespace}:${subject.name}`;
    default: return false;
  }
}

function ruleAllows(rule: PolicyRule, access: AccessRequest): boolean {
  const [base] = access.resource.split('/');
  const resources = rule.resources ?? [];
  return matches(rule.apiGroups, access.group)
    && matches(rule.verbs, access.verb)
    && (resources.includes('*') || resources.includes(access.resource) || resources.includes(`${base}/*`))
    && (!rule.resourceNames?.length || (access.name !== undefined && rule.resourceNames.includes(access.name)));
}

const matches = (allowed: string[] | undefined, wanted: string) => !!allowed && (allowed.includes('*') || allowed.includes(wanted));
