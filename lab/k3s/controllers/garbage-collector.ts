import type { KubeObject } from '../../contracts/kube-object';
import type { StoreEvent } from '../apiserver/object-store';
import type { ApiContext } from '../apiserver/resource';
import { allResources, resourceTypeOfKind } from '../apiserver/resource-registry';
import { ResourceOperations } from '../apiserver/resource-operations';

interface OwnerReference {
  uid: string;
  kind?: string;
  name?: string;
}

/**
 * kube-controller-manager's garbage collector, background propagation only: when an object is deleted, every object
 * whose ownerReferences all name deleted owners is deleted too, through its resource's own DELETE (a pod still
 * terminates gracefully). A Node's Lease goes with the Node, a ReplicaSet's pods with the ReplicaSet.
 */
export class GarbageCollector {
  private readonly unsubscribe: () => void;

  constructor(private readonly context: ApiContext) {
    this.unsubscribe = context.store.subscribe((event) => this.onChange(event));
  }

  stop(): void {
    this.unsubscribe();
  }

  private onChange(event: StoreEvent): void {
    if (event.type !== 'DELETED') return;
    const uid = event.object.metadata.uid;
    if (uid) setImmediate(() => this.collectDependentsOf(uid));
  }

  private collectDependentsOf(uid: string): void {
    for (const type of allResources()) {
      for (const object of this.context.store.list(type.plural)) {
        const owners = (object.metadata.ownerReferences ?? []) as OwnerReference[];
        if (!owners.some((owner) => owner.uid === uid) || owners.some((owner) => this.ownerExists(owner, object))) continue;
        try {
          new ResourceOperations(this.context, type).delete(object.metadata.namespace, object.metadata.name);
        } catch {
          // Already gone, or being deleted by someone else: nothing left to collect.
        }
      }
    }
  }

  /** An owner still exists if its kind has an object of its name and uid (in the dependent's namespace, or cluster-wide). */
  private ownerExists(owner: OwnerReference, dependent: KubeObject): boolean {
    const type = owner.kind ? resourceTypeOfKind(owner.kind) : undefined;
    const found = type && this.context.store.get(type.plural, type.namespaced ? dependent.metadata.namespace : undefined, owner.name ?? '');
    return found?.metadata.uid === owner.uid;
  }
}
