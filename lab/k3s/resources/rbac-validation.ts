import type { KubeObject } from '../../contracts/kube-object';
import { notSupported, required } from '../apiserver/field-errors';
import type { StatusCause } from '../apiserver/status-errors';
import { age, column, type Printer } from '../apiserver/table-output';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** rbac/validation: every resource rule needs verbs, API groups and resources. */
export function rulesCauses(role: KubeObject): StatusCause[] {
  const rules = (role.rules ?? []) as Array<{ verbs?: string[]; apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[] }>;
  return rules.flatMap((rule, index) => [
    ...(rule.verbs?.length ? [] : [required(`rules[${index}].verbs`, 'verbs must contain at least one value')]),
    ...(rule.nonResourceURLs?.length ? [] : [
      ...(rule.apiGroups?.length ? [] : [required(`rules[${index}].apiGroups`, 'resource rules must supply at least one api group')]),
      ...(rule.resources?.length ? [] : [required(`rules[${index}].resources`, 'resource rules must supply at least one resource')]),
    ]),
  ]);
}

/** fmt's %#v-like rendering of a RoleRef, as the immutability error shows it. */
function goStruct(roleRef: { apiGroup?: string; kind?: string; name?: string }): string {
  return `rbac.RoleRef{APIGroup:${JSON.stringify(roleRef.apiGroup ?? '')}, Kind:${JSON.stringify(roleRef.kind ?? '')}, Name:${JSON.stringify(roleRef.name ?? '')}}`;
}

/** rbac/validation: roleRef names a role of the right kind (and never changes), subjects are well formed. */
export function bindingCauses(roleKinds: string[]) {
  return (binding: KubeObject, previous?: KubeObject): StatusCause[] => {
    const roleRef = (binding.roleRef ?? {}) as { apiGroup?: string; kind?: string; name?: string };
    const causes: StatusCause[] = [];
    if (roleRef.apiGroup !== RBAC_GROUP) causes.push(notSupported('roleRef.apiGroup', roleRef.apiGroup, [RBAC_GROUP]));
    if (!roleRef.kind || !roleRef.kind.length) causes.push(required('roleRef.kind'));
    else if (!roleKinds.includes(roleRef.kind)) causes.push(notSupported('roleRef.kind', roleRef.kind, roleKinds));
    if (!roleRef.name) causes.push(required('roleRef.name'));
    if (previous && JSON.stringify(previous.roleRef) !== JSON.stringify(binding.roleRef)) {
      causes.push({ reason: 'FieldValueInvalid', field: 'roleRef', message: `Invalid value: ${goStruct(roleRef)}: cannot change roleRef` });
    }
    const subjects = (binding.subjects ?? []) as Array<{ kind?: string; apiGroup?: string; name?: string; namespace?: string }>;
    subjects.forEach((subject, index) => {
      const path = `subjects[${index}]`;
      if (!subject.name) causes.push(required(`${path}.name`));
      switch (subject.kind) {
        case 'ServiceAccount':
          if (subject.apiGroup) causes.push(notSupported(`${path}.apiGroup`, subject.apiGroup, ['']));
          if (!subject.namespace && binding.metadata.namespace === undefined) causes.push(required(`${path}.namespace`));
          break;
        case 'User':
        case 'Group':
          if (subject.apiGroup !== RBAC_GROUP) causes.push(notSupported(`${path}.apiGroup`, subject.apiGroup, [RBAC_GROUP]));
          break;
        default:
          causes.push(notSupported(`${path}.kind`, subject.kind, ['ServiceAccount', 'User', 'Group']));
      }
    });
    return causes;
  };
}

/** A (Cluster)RoleBinding's row: ROLE as `Kind/name`, subjects by kind, ServiceAccounts as `namespace/name`. */
function bindingRow(binding: KubeObject): unknown[] {
  const subjects = (binding.subjects ?? []) as Array<{ kind: string; name: string; namespace?: string }>;
  const ofKind = (kind: string) => subjects.filter((s) => s.kind === kind).map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', ');
  const roleRef = (binding.roleRef ?? {}) as { kind?: string; name?: string };
  return [binding.metadata.name, `${roleRef.kind}/${roleRef.name}`, age(binding), ofKind('User'), ofKind('Group'), ofKind('ServiceAccount')];
}

export const BINDING_PRINTER: Printer = {
  columns: [column('Name', 0, 'string', 'name'), column('Role'), column('Age'), column('Users', 1), column('Groups', 1), column('ServiceAccounts', 1)],
  row: bindingRow,
};
