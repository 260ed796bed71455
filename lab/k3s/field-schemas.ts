/**
 * Which fields each kind has, as the Go types of k8s.io/api v0.34 declare them (their `json:` tags). kube-apiserver
 * decodes a request body into those types: a field the type does not have is "unknown", rejected under
 * `fieldValidation=Strict` (what kubectl sends), a warning under `Warn` (the default) and dropped either way.
 *
 * A schema names the fields of an object; a nested schema describes a sub-object (or each item of a list of
 * objects), and LEAF stands for a value whose inside the lab does not check (scalars, string maps, and sub-objects
 * the lab's users never fill in, which the lab accepts whole rather than risk refusing a real field).
 */
export const LEAF = 0;
export interface Fields {
  [field: string]: Fields | typeof LEAF;
}

const leaves = (...names: string[]): Fields => Object.fromEntries(names.map((name) => [name, LEAF]));

const OBJECT_META: Fields = leaves(
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
);

const top = (fields: Fields): Fields => ({ apiVersion: LEAF, kind: LEAF, metadata: OBJECT_META, ...fields });

const KEY_REF = leaves('name', 'key', 'optional');
const ENV_VAR: Fields = {
  name: LEAF, value: LEAF,
  valueFrom: { fieldRef: LEAF, resourceFieldRef: LEAF, configMapKeyRef: KEY_REF, secretKeyRef: KEY_REF, fileKeyRef: LEAF },
};
const CONTAINER: Fields = {
  ...leaves(
    'name', 'image', 'command', 'args', 'workingDir', 'resizePolicy', 'restartPolicy', 'restartPolicyRules', 'volumeDevices', 'livenessProbe',
    'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext',
    'stdin', 'stdinOnce', 'tty',
  ),
  ports: leaves('name', 'hostPort', 'containerPort', 'protocol', 'hostIP'),
  envFrom: { prefix: LEAF, configMapRef: leaves('name', 'optional'), secretRef: leaves('name', 'optional') },
  env: ENV_VAR,
  resources: leaves('limits', 'requests', 'claims'),
  volumeMounts: leaves('name', 'readOnly', 'recursiveReadOnly', 'mountPath', 'subPath', 'mountPropagation', 'subPathExpr'),
};
const VOLUME: Fields = {
  ...leaves(
    'name', 'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder',
    'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
    'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
  ),
  emptyDir: leaves('medium', 'sizeLimit'),
  secret: leaves('secretName', 'items', 'defaultMode', 'optional'),
  configMap: leaves('name', 'items', 'defaultMode', 'optional'),
  persistentVolumeClaim: leaves('claimName', 'readOnly'),
};
const POD_SPEC: Fields = {
  ...leaves(
    'ephemeralContainers', 'restartPolicy', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds', 'dnsPolicy', 'nodeSelector',
    'serviceAccountName', 'serviceAccount', 'automountServiceAccountToken', 'nodeName', 'hostNetwork', 'hostPID', 'hostIPC',
    'shareProcessNamespace', 'securityContext', 'imagePullSecrets', 'hostname', 'subdomain', 'affinity', 'schedulerName', 'tolerations',
    'hostAliases', 'priorityClassName', 'priority', 'dnsConfig', 'readinessGates', 'runtimeClassName', 'enableServiceLinks',
    'preemptionPolicy', 'overhead', 'topologySpreadConstraints', 'setHostnameAsFQDN', 'os', 'hostUsers', 'schedulingGates',
    'resourceClaims', 'resources', 'hostnameOverride',
  ),
  volumes: VOLUME,
  initContainers: CONTAINER,
  containers: CONTAINER,
};
const POD_TEMPLATE: Fields = { metadata: OBJECT_META, spec: POD_SPEC };
const JOB_SPEC: Fields = {
  ...leaves(
    'parallelism', 'completions', 'activeDeadlineSeconds', 'podFailurePolicy', 'successPolicy', 'backoffLimit', 'backoffLimitPerIndex',
    'maxFailedIndexes', 'selector', 'manualSelector', 'ttlSecondsAfterFinished', 'completionMode', 'suspend', 'podReplacementPolicy', 'managedBy',
  ),
  template: POD_TEMPLATE,
};
const POLICY_RULE = leaves('verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs');
const BINDING: Fields = top({ subjects: leaves('kind', 'apiGroup', 'name', 'namespace'), roleRef: leaves('apiGroup', 'kind', 'name') });

/** By kind. Kinds without an entry (Node, Event, Service) are not checked and keep every field. */
export const KIND_FIELDS: Record<string, Fields> = {
  Namespace: top({ spec: leaves('finalizers'), status: LEAF }),
  ServiceAccount: top(leaves('secrets', 'imagePullSecrets', 'automountServiceAccountToken')),
  Secret: top(leaves('immutable', 'data', 'stringData', 'type')),
  ConfigMap: top(leaves('immutable', 'data', 'binaryData')),
  PersistentVolumeClaim: top({
    spec: {
      ...leaves('accessModes', 'selector', 'volumeName', 'storageClassName', 'volumeMode', 'dataSource', 'dataSourceRef', 'volumeAttributesClassName'),
      resources: leaves('limits', 'requests'),
    },
    status: LEAF,
  }),
  Pod: top({ spec: POD_SPEC, status: LEAF }),
  Role: top({ rules: POLICY_RULE }),
  ClusterRole: top({ rules: POLICY_RULE, aggregationRule: leaves('clusterRoleSelectors') }),
  RoleBinding: BINDING,
  ClusterRoleBinding: BINDING,
  CronJob: top({
    spec: {
      ...leaves('schedule', 'timeZone', 'startingDeadlineSeconds', 'concurrencyPolicy', 'suspend', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'),
      jobTemplate: { metadata: OBJECT_META, spec: JOB_SPEC },
    },
    status: LEAF,
  }),
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Removes the fields `schema` does not have from `value` (in place), and returns their paths as the strict decoder
 * names them: `spec.template.spec.containers[0].imagePullPolcy`.
 */
export function dropUnknownFields(schema: Fields, value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => dropUnknownFields(schema, item, `${path}[${index}]`));
  if (!isObject(value)) return [];
  const unknown: string[] = [];
  for (const [field, inner] of Object.entries(value)) {
    const fieldPath = path ? `${path}.${field}` : field;
    const known = Object.hasOwn(schema, field) ? schema[field] : undefined;
    if (known === undefined) {
      unknown.push(fieldPath);
      delete value[field];
    } else if (known !== LEAF) unknown.push(...dropUnknownFields(known, inner, fieldPath));
  }
  return unknown;
}
