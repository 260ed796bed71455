import { copy, kubeTime, type KubeObject } from './kube-object';
import { generatedName } from './names';
import { nextPodCidr } from './node-ipam';
import { requireName, validateObject } from './object-validation';
import type { ObjectStore } from './object-store';
import { applyPatch } from './patch';
import { decodePatchedFields, type WriteOptions } from './write-options';
import { defaultPod } from './pod-defaults';
import { RESOURCE_TYPES, type ResourceType } from './resource-types';
import { ApiError, badRequest, conflict, failure, invalid, notFound, type KubeStatus } from './status-errors';

/** A write's options, and where the warnings it earns go (the response's Warning headers). */
export interface WriteRequest extends WriteOptions {
  warnings: string[];
}

/** The lab's own writes: stored, with the server's default validation (a fresh list for each write's warnings). */
const persist = (): WriteRequest => ({ dryRun: false, fieldValidation: 'Warn', warnings: [] });

/**
 * The verbs of one resource, as the apiserver's generic registry runs them (defaulting, validation, admission). With
 * dryRun a write runs all of that and answers what it would have stored, but stores nothing.
 */
export class ResourceOperations {
  constructor(private readonly store: ObjectStore, readonly type: ResourceType) {}

  get resource(): string {
    return this.type.plural;
  }

  get(namespace: string | undefined, name: string): KubeObject {
    const object = this.store.get(this.resource, namespace, name);
    if (!object) throw notFound(this.resource, name);
    return object;
  }

  create(namespace: string | undefined, body: KubeObject, request: WriteRequest = persist()): KubeObject {
    const object = copy(body);
    object.metadata ??= {} as KubeObject['metadata'];
    if (!object.metadata.name && object.metadata.generateName) object.metadata.name = generatedName(object.metadata.generateName);
    requireName(this.type, object);
    if (this.type.namespaced) {
      const target = namespace ?? object.metadata.namespace ?? 'default';
      if (object.metadata.namespace && object.metadata.namespace !== target) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = target;
      if (!this.store.get('namespaces', undefined, target)) throw notFound('namespaces', target);
    } else delete object.metadata.namespace;
    applyDefaults(this.type, object);
    validateObject(this.type, object);
    this.admit(object);
    return request.dryRun ? this.store.previewCreate(this.resource, object) : this.store.create(this.resource, object);
  }

  /** PUT: the main endpoint keeps the stored status, /status keeps the stored spec (the status strategies). */
  update(namespace: string | undefined, name: string, body: KubeObject, subresource?: string, request: WriteRequest = persist()): KubeObject {
    const current = this.get(namespace, name);
    if (body?.metadata?.name && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const next = copy(body);
    next.metadata = { ...next.metadata, name, ...(this.type.namespaced ? { namespace } : {}) };
    if (this.type.hasStatus) {
      if (subresource === 'status') next.spec = current.spec;
      else next.status = current.status;
    }
    applyDefaults(this.type, next);
    validateObject(this.type, next, current);
    return request.dryRun ? this.store.previewUpdate(this.resource, next) : this.store.update(this.resource, next);
  }

  patch(namespace: string | undefined, name: string, contentType: string, patch: unknown, subresource?: string, request: WriteRequest = persist()): KubeObject {
    const current = this.get(namespace, name);
    const patched = applyPatch(contentType, current, patch) as KubeObject;
    if (!patched || typeof patched !== 'object' || !patched.metadata) throw badRequest('the patch removed metadata');
    request.warnings.push(...decodePatchedFields(this.type, patched, patch, request.fieldValidation));
    // A patch that carries a resourceVersion is conditional on it (optimistic locking in patch.go).
    const patchVersion = (patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
    patched.metadata.resourceVersion = patchVersion ?? current.metadata.resourceVersion;
    if (patched.metadata.name !== name) throw badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`);
    return this.update(namespace, name, patched, subresource, request);
  }

  /**
   * DELETE. A pod on a node is deleted gracefully: it gets deletionTimestamp and stays until its kubelet, having
   * stopped the containers, deletes it again with gracePeriodSeconds=0. Anything else goes at once.
   */
  delete(namespace: string | undefined, name: string, gracePeriodSeconds?: number, preconditionUid?: string, request: WriteRequest = persist()): KubeObject {
    const current = this.get(namespace, name);
    if (preconditionUid && current.metadata.uid !== preconditionUid) {
      throw conflict(this.resource, name, `Precondition failed: UID in precondition: ${preconditionUid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (request.dryRun) return current;
    if (this.resource === 'pods') {
      const finished = current.status?.phase === 'Succeeded' || current.status?.phase === 'Failed';
      const grace = !current.spec?.nodeName || finished ? 0
        : gracePeriodSeconds ?? current.metadata.deletionGracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
      if (grace > 0) {
        if (current.metadata.deletionTimestamp && (current.metadata.deletionGracePeriodSeconds ?? 0) <= grace) return current;
        return this.store.mutate(this.resource, namespace, name, (pod) => {
          pod.metadata.deletionTimestamp = kubeTime(new Date(Date.now() + grace * 1000));
          pod.metadata.deletionGracePeriodSeconds = grace;
        });
      }
    }
    if (this.resource === 'namespaces') return this.deleteNamespace(name);
    return this.store.remove(this.resource, namespace, name);
  }

  /** POST pods/<name>/binding: what the scheduler calls to place a pod. */
  bind(namespace: string, name: string, binding: KubeObject): KubeStatus {
    const target = (binding as { target?: { name?: string } }).target?.name;
    if (!target) throw invalid('Binding', name, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }]);
    const pod = this.get(namespace, name);
    if (pod.spec?.nodeName) throw conflict('pods/binding', name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
    if (pod.metadata.deletionTimestamp) throw conflict('pods/binding', name, `pod ${name} is being deleted, cannot be assigned to a host`);
    bindPod(this.store, namespace, name, target);
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  }

  private deleteNamespace(name: string): KubeObject {
    if (['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(name)) {
      throw new ApiError(failure(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' }));
    }
    const terminating = this.store.mutate('namespaces', undefined, name, (ns) => {
      ns.metadata.deletionTimestamp = kubeTime();
      ns.status = { phase: 'Terminating' };
    });
    // The namespace controller empties a terminating namespace, then removes it.
    setImmediate(() => {
      for (const resource of RESOURCE_TYPES.filter((type) => type.namespaced).map((type) => type.plural)) {
        for (const object of this.store.list(resource, name)) this.store.remove(resource, name, object.metadata.name);
      }
      if (this.store.get('namespaces', undefined, name)) this.store.remove('namespaces', undefined, name);
    });
    return terminating;
  }

  /** Defaulting and admission for new objects. */
  private admit(object: KubeObject): void {
    switch (this.resource) {
      case 'pods':
        defaultPod(object);
        break;
      case 'nodes':
        object.spec ??= {};
        // The node IPAM controller's job, done at registration so the kubelet can address pods at once.
        if (!object.spec.podCIDR) {
          object.spec.podCIDR = nextPodCidr(this.store);
          object.spec.podCIDRs = [object.spec.podCIDR];
        }
        break;
      case 'namespaces':
        object.metadata.labels = { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name };
        object.spec = { finalizers: ['kubernetes'] };
        object.status = { phase: 'Active' };
        break;
      case 'secrets':
        object.type ??= 'Opaque';
        break;
      case 'persistentvolumeclaims':
        // k3s's local-path class binds on first consumer (WaitForFirstConsumer): a new claim waits for its pod.
        object.status = { phase: 'Pending' };
        break;
    }
  }
}

/** API defaulting (pkg/apis/<group>/v1/defaults.go), before validation sees the object. */
function applyDefaults(type: ResourceType, object: KubeObject): void {
  switch (type.kind) {
    case 'CronJob':
      object.spec ??= {};
      object.spec.concurrencyPolicy ??= 'Allow';
      object.spec.suspend ??= false;
      object.spec.successfulJobsHistoryLimit ??= 3;
      object.spec.failedJobsHistoryLimit ??= 1;
      break;
    case 'PersistentVolumeClaim':
      object.spec ??= {};
      object.spec.volumeMode ??= 'Filesystem';
      break;
  }
}

/** Binding as the registry's BindingREST does it: nodeName plus PodScheduled True in one write. */
export function bindPod(store: ObjectStore, namespace: string, name: string, nodeName: string): KubeObject {
  return store.mutate('pods', namespace, name, (pod) => {
    pod.spec.nodeName = nodeName;
    const conditions = (pod.status.conditions ??= []) as Array<{ type: string }>;
    const scheduled = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: kubeTime() };
    const index = conditions.findIndex((c) => c.type === 'PodScheduled');
    if (index >= 0) conditions[index] = scheduled;
    else conditions.push(scheduled);
  });
}
