import { randomUUID } from 'node:crypto';
import { copy, type KubeObject } from '../../contracts/kube-object';
import { dns1123SubdomainError } from './field-errors';
import { generatedName } from './names';
import { applyPatch } from './patch';
import { hasStatus, type ApiContext, type ResourceDefinition } from './resource';
import { badRequest, conflict, invalid, notFound, type StatusCause } from './status-errors';
import { decodePatchedFields, type WriteOptions } from './write-options';

/** A write's options, and where the warnings it earns go (the response's Warning headers). */
export interface WriteRequest extends WriteOptions {
  warnings: string[];
}

/** The lab's own writes: stored, with the server's default validation (a fresh list for each write's warnings). */
const persist = (): WriteRequest => ({ dryRun: false, fieldValidation: 'Warn', warnings: [] });

/**
 * The verbs of one resource, as the apiserver's generic registry runs them (pkg/registry/generic/registry/store.go):
 * defaulting, the resource's PrepareForCreate and validation from its definition, then storage. With dryRun a write
 * runs all of that and answers what it would have stored, but stores nothing.
 */
export class ResourceOperations {
  constructor(private readonly context: ApiContext, readonly type: ResourceDefinition) {}

  private get store() {
    return this.context.store;
  }

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
    // FillObjectMetaSystemFields gives the new object its uid before the strategy's PrepareForCreate sees it.
    object.metadata.uid = randomUUID();
    this.type.defaults?.(object);
    this.validate(object);
    this.type.prepareForCreate?.(object, this.context);
    if (this.type.tracksGeneration) object.metadata.generation = 1;
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
    if (hasStatus(this.type)) {
      if (subresource === 'status') next.spec = current.spec;
      else next.status = current.status;
    }
    this.type.defaults?.(next);
    this.validate(next, current);
    if (this.type.tracksGeneration) {
      const generation = Number(current.metadata.generation ?? 1);
      next.metadata.generation = JSON.stringify(next.spec) === JSON.stringify(current.spec) ? generation : generation + 1;
    }
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

  /** DELETE: removal, unless the resource's definition does more (graceful pods, terminating namespaces). */
  delete(namespace: string | undefined, name: string, gracePeriodSeconds?: number, preconditionUid?: string, request: WriteRequest = persist()): KubeObject {
    const current = this.get(namespace, name);
    if (preconditionUid && current.metadata.uid !== preconditionUid) {
      throw conflict(this.resource, name, `Precondition failed: UID in precondition: ${preconditionUid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (request.dryRun) return current;
    if (this.type.delete) return this.type.delete(current, { gracePeriodSeconds }, this.context);
    return this.store.remove(this.resource, namespace, name);
  }

  /** ValidateObjectMeta's name rule, then the resource's own validation; all causes in one 422. */
  private validate(object: KubeObject, previous?: KubeObject): void {
    const name = object.metadata.name;
    const nameError = (this.type.validateName ?? dns1123SubdomainError)(name);
    const causes: StatusCause[] = nameError ? [{ reason: 'FieldValueInvalid', message: nameError, field: 'metadata.name' }] : [];
    causes.push(...(this.type.validate?.(object, previous) ?? []));
    if (causes.length) throw invalid(this.type.kind, name, causes);
  }
}

export function requireName(type: ResourceDefinition, object: KubeObject): void {
  if (!object.metadata?.name) {
    throw invalid(type.kind, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
  }
}
