import { findCondition, type Condition, type KubeObject } from '../../contracts/kube-object';
import type { StoreEvent } from '../apiserver/object-store';
import type { ApiContext } from '../apiserver/resource';
import { resourceType } from '../apiserver/resource-registry';
import { ResourceOperations } from '../apiserver/resource-operations';
import { recordEvent } from './event-recorder';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The reference a controller puts on what it creates (metav1.NewControllerRef). */
export function controllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** The objects of `resource` in the owner's namespace whose controller is `owner`. */
export function controlledBy(context: ApiContext, resource: string, owner: KubeObject): KubeObject[] {
  return context.store.list(resource, owner.metadata.namespace)
    .filter((object) => ((object.metadata.ownerReferences ?? []) as OwnerReference[]).some((ref) => ref.controller && ref.uid === owner.metadata.uid));
}

/** A pod that counts for its controller: not being deleted and not finished (controller.FilterActivePods). */
export function isActive(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

export function isReady(pod: KubeObject): boolean {
  return findCondition(pod.status?.conditions as Condition[] | undefined, 'Ready')?.status === 'True';
}

/**
 * Creates a pod from a controller's template through the API server's own create path (defaults and admission),
 * named `<prefix><5 random>` as generateName does, and records the controller's SuccessfulCreate event.
 */
export function createPodFromTemplate(context: ApiContext, owner: KubeObject, ref: OwnerReference, template: KubeObject['spec'], extra: {
  labels?: Record<string, string>; component: string; change?: (pod: KubeObject) => void;
}): KubeObject {
  const pod: KubeObject = {
    metadata: {
      name: '', generateName: `${owner.metadata.name}-`, namespace: owner.metadata.namespace,
      labels: { ...template?.metadata?.labels, ...extra.labels },
      ...(template?.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [ref],
    },
    spec: structuredClone(template?.spec ?? {}),
  };
  extra.change?.(pod);
  const created = new ResourceOperations(context, resourceType('pods')!).create(owner.metadata.namespace, pod);
  recordEvent(context.store, { involved: owner, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${created.metadata.name}`, component: extra.component });
  return created;
}

export function deletePod(context: ApiContext, owner: KubeObject, pod: KubeObject, component: string): void {
  new ResourceOperations(context, resourceType('pods')!).delete(pod.metadata.namespace, pod.metadata.name);
  recordEvent(context.store, { involved: owner, type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}`, component });
}

/** Writes a controller's status only when it changed, so a controller reacting to its own writes settles at once. */
export function updateStatus(context: ApiContext, resource: string, object: KubeObject, status: Record<string, unknown>): void {
  const current = context.store.get(resource, object.metadata.namespace, object.metadata.name);
  if (!current) return;
  const next = { ...current.status, ...status };
  if (JSON.stringify(next) === JSON.stringify(current.status)) return;
  context.store.mutate(resource, object.metadata.namespace, object.metadata.name, (latest) => {
    latest.status = next;
  });
}

/**
 * A controller's work loop: changes are coalesced into one pass on the next tick, as a workqueue coalesces keys.
 * `relevant` decides which store events wake it.
 */
export class ReconcileLoop {
  private pending: NodeJS.Immediate | undefined;
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(context: ApiContext, relevant: (event: StoreEvent) => boolean, private readonly pass: () => void) {
    this.unsubscribe = context.store.subscribe((event) => {
      if (relevant(event)) this.wake();
    });
    this.wake();
  }

  wake(): void {
    if (this.pending || this.stopped) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      if (!this.stopped) this.pass();
    });
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.pending) clearImmediate(this.pending);
  }
}
