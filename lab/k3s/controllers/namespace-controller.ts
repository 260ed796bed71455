import type { ObjectStore } from '../apiserver/object-store';
import { allResources } from '../apiserver/resource-registry';

/**
 * kube-controller-manager's namespace controller, reduced: a Terminating namespace is emptied of every namespaced
 * resource and then removed, on the next tick (no finalizer dance, no NamespaceDeletionContentFailure conditions).
 */
export class NamespaceController {
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ObjectStore) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource === 'namespaces' && event.type === 'MODIFIED' && event.object.metadata.deletionTimestamp) {
        const name = event.object.metadata.name;
        setImmediate(() => this.finish(name));
      }
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  private finish(name: string): void {
    if (!this.store.get('namespaces', undefined, name)?.metadata.deletionTimestamp) return;
    for (const type of allResources().filter((candidate) => candidate.namespaced)) {
      for (const object of this.store.list(type.plural, name)) this.store.remove(type.plural, name, object.metadata.name);
    }
    if (this.store.get('namespaces', undefined, name)) this.store.remove('namespaces', undefined, name);
  }
}
