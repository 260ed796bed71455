import { nodePasswordSecretName } from '../../contracts/k3s-join';
import type { ObjectStore } from '../apiserver/object-store';

/**
 * Two clean-ups that follow a Node's deletion: k3s removes the node's password secret (so the hostname can join
 * again), and the pod garbage collector deletes pods still bound to the vanished node.
 */
export class NodeCleanupController {
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
    const secret = nodePasswordSecretName(nodeName);
    if (this.store.get('secrets', 'kube-system', secret)) this.store.remove('secrets', 'kube-system', secret);
    for (const pod of this.store.list('pods').filter((p) => p.spec?.nodeName === nodeName)) {
      this.store.remove('pods', pod.metadata.namespace, pod.metadata.name);
    }
  }
}
