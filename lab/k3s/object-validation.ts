import type { KubeObject } from './kube-object';
import type { ResourceType } from './resource-types';
import { scheduleError } from './cron-schedule';
import { invalid, type StatusCause } from './status-errors';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const subdomainMessage = (name: string) =>
  `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;
const labelMessage = (name: string) =>
  `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;

/**
 * The checks kube-apiserver's validation runs on create and update that the lab's callers can trip over
 * (pkg/apis/<group>/validation). `previous` is the stored object on an update, for the immutable fields.
 */
export function validateObject(type: ResourceType, object: KubeObject, previous?: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = object.metadata.name;
  // Namespaces are DNS-1123 labels; the other resources here are subdomains (events allow more, but are lab-written;
  // RBAC names are path segments, checked by the lab as subdomains).
  const isLabel = type.plural === 'namespaces';
  const valid = isLabel ? DNS1123_LABEL.test(name) && name.length <= 63 : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  if (!valid && type.plural !== 'events') {
    causes.push({ reason: 'FieldValueInvalid', message: isLabel ? labelMessage(name) : subdomainMessage(name), field: 'metadata.name' });
  }
  causes.push(...(KIND_CHECKS[type.kind]?.(object, previous) ?? []));
  if (causes.length) throw invalid(type.kind, name, causes);
}

type KindCheck = (object: KubeObject, previous?: KubeObject) => StatusCause[];

const required = (field: string, detail?: string): StatusCause => ({ reason: 'FieldValueRequired', message: detail ? `Required value: ${detail}` : 'Required value', field });
const notSupported = (field: string, value: unknown, supported: string[]): StatusCause => ({
  reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${JSON.stringify(value ?? '')}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});
const invalidValue = (field: string, value: string, detail: string): StatusCause => ({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` });

function podSpecCauses(spec: KubeObject['spec'], path: string): StatusCause[] {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) return [required(`${path}.containers`)];
  return containers.flatMap((container: { name?: string; image?: string }, index: number) => [
    ...(container.name ? [] : [required(`${path}.containers[${index}].name`)]),
    ...(container.image ? [] : [required(`${path}.containers[${index}].image`)]),
  ]);
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** rbac/validation: every resource rule needs verbs, API groups and resources. */
function rulesCauses(role: KubeObject): StatusCause[] {
  const rules = (role.rules ?? []) as Array<{ verbs?: string[]; apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[] }>;
  return rules.flatMap((rule, index) => [
    ...(rule.verbs?.length ? [] : [required(`rules[${index}].verbs`, 'verbs must contain at least one value')]),
    ...(rule.nonResourceURLs?.length ? [] : [
      ...(rule.apiGroups?.length ? [] : [required(`rules[${index}].apiGroups`, 'resource rules must supply at least one api group')]),
      ...(rule.resources?.length ? [] : [required(`rules[${index}].resources`, 'resource rules must supply at least one resource')]),
    ]),
  ]);
}

/** rbac/validation: roleRef names a role of the right kind (and never changes), subjects are well formed. */
function bindingCauses(roleKinds: string[]): KindCheck {
  return (binding, previous) => {
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

/** batch/validation: a schedule cron understands, a known concurrency policy, a pod template a Job can run. */
function cronJobCauses(cronJob: KubeObject): StatusCause[] {
  const spec = cronJob.spec ?? {};
  const causes: StatusCause[] = [];
  if (!spec.schedule) causes.push(required('spec.schedule'));
  else {
    const error = scheduleError(spec.schedule);
    if (error) causes.push(invalidValue('spec.schedule', spec.schedule, error));
  }
  if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy)) causes.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  const template = spec.jobTemplate?.spec?.template?.spec;
  const path = 'spec.jobTemplate.spec.template.spec';
  // A Job's pods may not restart in place: Always (also the default when unset) is refused.
  const restartPolicy = template?.restartPolicy ?? 'Always';
  if (!['OnFailure', 'Never'].includes(restartPolicy)) causes.push(notSupported(`${path}.restartPolicy`, restartPolicy, ['OnFailure', 'Never']));
  causes.push(...podSpecCauses(template, path));
  return causes;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** core/validation ValidatePersistentVolumeClaimSpec: access modes and a storage request. */
function claimCauses(claim: KubeObject): StatusCause[] {
  const modes = (claim.spec?.accessModes ?? []) as string[];
  const causes: StatusCause[] = [];
  if (!modes.length) causes.push(required('spec.accessModes', 'at least 1 access mode is required'));
  for (const mode of modes) if (!ACCESS_MODES.includes(mode)) causes.push(notSupported('spec.accessModes', mode, ACCESS_MODES));
  if (claim.spec?.resources?.requests?.storage === undefined) causes.push(required('spec.resources[storage]'));
  return causes;
}

const KIND_CHECKS: Record<string, KindCheck> = {
  Pod: (pod) => podSpecCauses(pod.spec, 'spec'),
  Role: rulesCauses,
  ClusterRole: rulesCauses,
  RoleBinding: bindingCauses(['Role', 'ClusterRole']),
  ClusterRoleBinding: bindingCauses(['ClusterRole']),
  CronJob: cronJobCauses,
  PersistentVolumeClaim: claimCauses,
};

/** fmt's %#v-like rendering of a RoleRef, as the immutability error shows it. */
function goStruct(roleRef: { apiGroup?: string; kind?: string; name?: string }): string {
  return `rbac.RoleRef{APIGroup:${JSON.stringify(roleRef.apiGroup ?? '')}, Kind:${JSON.stringify(roleRef.kind ?? '')}, Name:${JSON.stringify(roleRef.name ?? '')}}`;
}

export function requireName(type: ResourceType, object: KubeObject): void {
  if (!object.metadata?.name) {
    throw invalid(type.kind, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
  }
}
