import type { AccessRequest, Caller } from './api-access';
import type { KubeObject } from '../../contracts/kube-object';
import type { ObjectStore } from './object-store';

/** One rule of a Role or ClusterRole (rbac/v1 PolicyRule). */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
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
/**
 * The same, with the reason RBAC gives when it allows (rbac.go, authorizingVisitor): `RBAC: allowed by
 * ClusterRoleBinding "b" of ClusterRole "r" to User "u"` or `RBAC: allowed by RoleBinding "b/ns" of Role "r" to
 * ServiceAccount "sa/ns"`; undefined when no binding allows.
 */
export function rbacReason(store: ObjectStore, caller: Caller, access: AccessRequest): string | undefined {
  const roleRef = (binding: KubeObject) => (binding.roleRef ?? {}) as { kind?: string; name?: string };
  const subjectOf = (binding: KubeObject) => ((binding.subjects ?? []) as Subject[]).find((subject) => names(subject, caller));
  const clusterRole = (name = '') => store.get('clusterroles', undefined, name);
  const rulesOf = (role: KubeObject | undefined) => (role?.rules ?? []) as PolicyRule[];
  const describe = (subject: Subject) => (subject.kind === 'ServiceAccount' ? `ServiceAccount "${subject.name}/${subject.namespace}"` : `${subject.kind} "${subject.name}"`);

  for (const binding of store.list('clusterrolebindings')) {
    const subject = subjectOf(binding);
    if (subject && rulesOf(clusterRole(roleRef(binding).name)).some((rule) => ruleAllows(rule, access))) {
      return `RBAC: allowed by ClusterRoleBinding "${binding.metadata.name}" of ClusterRole "${roleRef(binding).name}" to ${describe(subject)}`;
    }
  }
  if (access.namespace === undefined) return undefined;
  for (const binding of store.list('rolebindings', access.namespace)) {
    const subject = subjectOf(binding);
    const ref = roleRef(binding);
    const role = ref.kind === 'ClusterRole' ? clusterRole(ref.name) : store.get('roles', access.namespace, ref.name ?? '');
    if (subject && rulesOf(role).some((rule) => ruleAllows(rule, access))) {
      return `RBAC: allowed by RoleBinding "${binding.metadata.name}/${access.namespace}" of ${ref.kind} "${ref.name}" to ${describe(subject)}`;
    }
  }
  return undefined;
}

/** The rules that apply to `caller` in `namespace` (cluster-wide bindings, plus that namespace's), for rules reviews. */
export function rulesFor(store: ObjectStore, caller: Caller, namespace: string | undefined): PolicyRule[] {
  const roleRef = (binding: KubeObject) => (binding.roleRef ?? {}) as { kind?: string; name?: string };
  const named = (binding: KubeObject) => ((binding.subjects ?? []) as Subject[]).some((subject) => names(subject, caller));
  const rulesOf = (role: KubeObject | undefined) => (role?.rules ?? []) as PolicyRule[];
  const clusterWide = store.list('clusterrolebindings').filter(named).flatMap((binding) => rulesOf(store.get('clusterroles', undefined, roleRef(binding).name ?? '')));
  const inNamespace = namespace === undefined ? [] : store.list('rolebindings', namespace).filter(named).flatMap((binding) => rulesOf(
    roleRef(binding).kind === 'ClusterRole' ? store.get('clusterroles', undefined, roleRef(binding).name ?? '') : store.get('roles', namespace, roleRef(binding).name ?? ''),
  ));
  return [...clusterWide, ...inNamespace];
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
