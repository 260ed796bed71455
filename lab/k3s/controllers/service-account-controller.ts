import type { ObjectStore } from '../apiserver/object-store';

/**
 * The ServiceAccount controller's one job the lab needs: every namespace has a `default` ServiceAccount, which pods
 * run as unless they name another (kube-controller-manager, serviceaccounts-controller).
 */
export class ServiceAccountController {
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ObjectStore) {
    for (const namespace of store.list('namespaces')) this.ensureDefault(namespace.metadata.name);
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource === 'namespaces' && event.type === 'ADDED') {
        const name = event.object.metadata.name;
        setImmediate(() => this.ensureDefault(name));
      }
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  private ensureDefault(namespace: string): void {
    const live = this.store.get('namespaces', undefined, namespace);
    if (!live || live.metadata.deletionTimestamp || this.store.get('serviceaccounts', namespace, 'default')) return;
    this.store.create('serviceaccounts', { metadata: { name: 'default', namespace } });
  }
}
