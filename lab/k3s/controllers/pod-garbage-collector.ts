import type { ObjectStore } from '../apiserver/object-store';

/**
 * The pod garbage collector's clean-up after a Node's deletion: pods still bound to the vanished node are deleted
 * (the node's password secret goes through its ownerReference: server/node-password-controller.ts).
 */
export class PodGarbageCollector {
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ObjectStore) {
    this.unsubscribe = store.subscribe((event) => {
      if (event.resource === 'nodes' && event.type === 'DELETED') {
        const name = event.object.metadata.name;
        setImmediate(() => this.cleanUp(name));
      }
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  private cleanUp(nodeName: string): void {
    if (this.store.get('nodes', undefined, nodeName)) return;
    for (const pod of this.store.list('pods').filter((p) => p.spec?.nodeName === nodeName)) {
      this.store.remove('pods', pod.metadata.namespace, pod.metadata.name);
    }
  }
}
