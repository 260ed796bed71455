import { nodePasswordSecretName } from '../../contracts/k3s-join';
import type { KubeObject } from '../../contracts/kube-object';
import type { LabTiming } from '../../timing';
import type { ObjectStore } from '../apiserver/object-store';
import { NODE_PASSWORD_SECRET_TYPE } from './node-password';

/** pkg/nodepassword/controller.go MinOrphanSecretAge: a secret whose node never registered goes after 10 minutes. */
export const MIN_ORPHAN_SECRET_AGE_MS = 10 * 60_000;
const MIN_SCALED_ORPHAN_AGE_MS = 30_000;

/**
 * k3s's node-password controller (pkg/nodepassword/controller.go): when a Node exists, its
 * `<node>.node-password.k3s` secret gets an ownerReference to it, so the garbage collector removes the secret with the
 * Node; every minute, secrets older than MinOrphanSecretAge whose Node does not exist (machines that asked for
 * certificates but never joined) are deleted. Both scaled by the lab's timing; the age never below 30 s, so a join
 * on a busy machine (certificate first, Node registered seconds later) keeps its secret at any scale.
 */
export class NodePasswordController {
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;
  private readonly orphanAgeMs: number;

  constructor(private readonly store: ObjectStore, timing: LabTiming, private readonly now: () => number = Date.now) {
    this.orphanAgeMs = Math.max(timing.duration(MIN_ORPHAN_SECRET_AGE_MS), MIN_SCALED_ORPHAN_AGE_MS);
    this.unsubscribe = store.subscribe((event) => {
      if (event.type === 'DELETED') return;
      if (event.resource === 'nodes') setImmediate(() => this.ownSecret(event.object.metadata.name));
      if (event.resource === 'secrets' && event.object.type === NODE_PASSWORD_SECRET_TYPE && event.type === 'ADDED') {
        const node = event.object.metadata.name.replace(/\.node-password\.k3s$/, '');
        setImmediate(() => this.ownSecret(node));
      }
    });
    this.timer = setInterval(() => this.collectOrphans(), timing.period(60_000, 500));
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe();
  }

  /** onChangeNode: adds the Node as an owner of its password secret, once. */
  private ownSecret(nodeName: string): void {
    const node = this.store.get('nodes', undefined, nodeName);
    const secretName = nodePasswordSecretName(nodeName);
    const secret = this.store.get('secrets', 'kube-system', secretName);
    if (!node || !secret) return;
    const owners = (secret.metadata.ownerReferences ?? []) as Array<{ kind: string; name: string; uid: string }>;
    if (owners.some((ref) => ref.kind === 'Node' && ref.name === nodeName && ref.uid === node.metadata.uid)) return;
    this.store.mutate('secrets', 'kube-system', secretName, (latest: KubeObject) => {
      latest.metadata.ownerReferences = [...owners, { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata.uid }];
    });
  }

  /** sync: deletes node-password secrets old enough whose Node does not exist. */
  collectOrphans(): void {
    const nodes = new Set(this.store.list('nodes').map((node) => nodePasswordSecretName(node.metadata.name)));
    const oldest = this.now() - this.orphanAgeMs;
    for (const secret of this.store.list('secrets', 'kube-system')) {
      if (secret.type !== NODE_PASSWORD_SECRET_TYPE || nodes.has(secret.metadata.name)) continue;
      if (Date.parse(secret.metadata.creationTimestamp ?? '') > oldest) continue;
      this.store.remove('secrets', 'kube-system', secret.metadata.name);
    }
  }
}
