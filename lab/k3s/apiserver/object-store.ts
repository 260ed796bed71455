import { randomUUID } from 'node:crypto';
import { copy, kubeTime, type KubeObject } from '../../contracts/kube-object';
import { apiVersionOf, resourceType } from './resource-registry';
import { alreadyExists, conflict, notFound } from './status-errors';

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: StoreEventType;
  resource: string;
  object: KubeObject;
  /** The object before this change (MODIFIED, DELETED): watches with selectors need it to see an object leave. */
  previous?: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (event: StoreEvent) => void;

/**
 * The cluster's state, as etcd behind kube-apiserver holds it: one global revision that every write bumps, the
 * objects by resource, and a window of recent changes that watches replay from (older versions are "too old").
 */
export class ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private readonly pending: StoreEvent[] = [];
  private notifying = false;
  private revision = 1;

  constructor(readonly historyLimit = 1000) {}

  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest revision a watch can still start from (kube-apiserver answers older ones with 410 Expired). */
  get oldestWatchable(): number {
    return this.history.length < this.historyLimit ? 0 : this.history[0].resourceVersion - 1;
  }

  list(resource: string, namespace?: string): KubeObject[] {
    const all = [...(this.objects.get(resource)?.values() ?? [])];
    return all.filter((object) => namespace === undefined || object.metadata.namespace === namespace).map(withKind(resource));
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const object = this.objects.get(resource)?.get(key(namespace, name));
    return object && withKind(resource)(object);
  }

  /** Stores a new object; the caller has validated it and resolved generateName. */
  create(resource: string, object: KubeObject): KubeObject {
    const bucket = this.bucket(resource);
    const id = key(object.metadata.namespace, object.metadata.name);
    if (bucket.has(id)) throw alreadyExists(resource, object.metadata.name);
    return this.commit('ADDED', resource, this.stamped(object), undefined);
  }

  /** A new object as the store keeps it: without kind and apiVersion, with the server's uid and creation time. */
  private stamped(object: KubeObject): KubeObject {
    const stored = copy(object);
    delete stored.kind;
    delete stored.apiVersion;
    // The registry has assigned the uid already; objects the lab writes itself get one here.
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp = kubeTime();
    delete stored.metadata.resourceVersion;
    return stored;
  }

  /**
   * What create would store, storing nothing (dryRun=All): a taken name is still AlreadyExists; the answer has a uid
   * and a creation time but no resourceVersion, since no revision was written (the registry's DryRunnableStorage).
   */
  previewCreate(resource: string, object: KubeObject): KubeObject {
    if (this.bucket(resource).has(key(object.metadata.namespace, object.metadata.name))) throw alreadyExists(resource, object.metadata.name);
    const preview = this.stamped(object);
    delete preview.metadata.resourceVersion;
    return withKind(resource)(preview);
  }

  /** Replaces an object; a stale metadata.resourceVersion is a 409 Conflict, a missing one an unconditional update. */
  update(resource: string, object: KubeObject): KubeObject {
    const { current, stored } = this.replacement(resource, object);
    if (JSON.stringify(stripVersion(stored)) === JSON.stringify(stripVersion(current))) return withKind(resource)(current);
    return this.commit('MODIFIED', resource, stored, current);
  }

  /** What update would store, storing nothing (dryRun=All); the answer keeps the stored resourceVersion. */
  previewUpdate(resource: string, object: KubeObject): KubeObject {
    const { current, stored } = this.replacement(resource, object);
    stored.metadata.resourceVersion = current.metadata.resourceVersion;
    return withKind(resource)(stored);
  }

  private replacement(resource: string, object: KubeObject): { current: KubeObject; stored: KubeObject } {
    const id = key(object.metadata.namespace, object.metadata.name);
    const current = this.objects.get(resource)?.get(id);
    if (!current) throw notFound(resource, object.metadata.name);
    const expected = object.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion) throw conflict(resource, object.metadata.name);
    const stored = copy(object);
    delete stored.kind;
    delete stored.apiVersion;
    // Identity and bookkeeping fields are the server's, whatever the client sent.
    stored.metadata.uid = current.metadata.uid;
    stored.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (current.metadata.deletionTimestamp) {
      stored.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
      stored.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    }
    return { current, stored };
  }

  /** Read-modify-write for the lab's own controllers, which hold no resourceVersion. */
  mutate(resource: string, namespace: string | undefined, name: string, change: (object: KubeObject) => void): KubeObject {
    const current = this.get(resource, namespace, name);
    if (!current) throw notFound(resource, name);
    change(current);
    return this.update(resource, current);
  }

  remove(resource: string, namespace: string | undefined, name: string): KubeObject {
    const bucket = this.bucket(resource);
    const id = key(namespace, name);
    const current = bucket.get(id);
    if (!current) throw notFound(resource, name);
    bucket.delete(id);
    // etcd gives the deletion its own revision, and the DELETED watch event carries it.
    return this.commit('DELETED', resource, copy(current), current);
  }

  /** Changes after `resourceVersion`, or 'expired' when some of them have left the window. */
  eventsSince(resourceVersion: number): StoreEvent[] | 'expired' {
    if (resourceVersion < this.oldestWatchable) return 'expired';
    return this.history.filter((event) => event.resourceVersion > resourceVersion);
  }

  /** Listeners are told in revision order, even when one of them writes while being told. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(type: StoreEventType, resource: string, object: KubeObject, previous: KubeObject | undefined): KubeObject {
    this.revision += 1;
    object.metadata.resourceVersion = String(this.revision);
    if (type !== 'DELETED') this.bucket(resource).set(key(object.metadata.namespace, object.metadata.name), object);
    const event: StoreEvent = {
      type, resource, object: withKind(resource)(object), previous: previous && withKind(resource)(previous), resourceVersion: this.revision,
    };
    this.history.push(event);
    if (this.history.length > this.historyLimit) this.history.shift();
    this.pending.push(event);
    this.drain();
    return withKind(resource)(object);
  }

  private drain(): void {
    if (this.notifying) return;
    this.notifying = true;
    try {
      while (this.pending.length) {
        const event = this.pending.shift()!;
        for (const listener of [...this.listeners]) {
          try {
            listener(event);
          } catch (error) {
            // A broken watcher must not stop the others from hearing about the change.
            process.emitWarning(`k3s lab store listener failed: ${(error as Error).message}`);
          }
        }
      }
    } finally {
      this.notifying = false;
    }
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let bucket = this.objects.get(resource);
    if (!bucket) this.objects.set(resource, (bucket = new Map()));
    return bucket;
  }
}

function key(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function stripVersion(object: KubeObject): KubeObject {
  const { resourceVersion: _ignored, ...metadata } = object.metadata;
  return { ...object, metadata: metadata as KubeObject['metadata'] };
}

/** A copy carrying kind and apiVersion, as get, create and watch events return objects. */
function withKind(resource: string): (object: KubeObject) => KubeObject {
  const type = resourceType(resource);
  return (object) => ({ ...(type ? { kind: type.kind, apiVersion: apiVersionOf(type) } : {}), ...copy(object) });
}
