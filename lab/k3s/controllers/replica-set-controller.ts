import type { KubeObject } from '../../contracts/kube-object';
import type { ApiContext } from '../apiserver/resource';
import { controlledBy, controllerRef, createPodFromTemplate, deletePod, isActive, isReady, ReconcileLoop, updateStatus } from './owned-pods';

const COMPONENT = 'replicaset-controller';

/**
 * kube-controller-manager's ReplicaSet controller (pkg/controller/replicaset): keeps `spec.replicas` active pods
 * owned by each ReplicaSet, creating them from its template or deleting the surplus (not-yet-running ones first),
 * and reports replicas, fullyLabeledReplicas, readyReplicas and availableReplicas (minReadySeconds 0).
 */
export class ReplicaSetController {
  private readonly loop: ReconcileLoop;

  constructor(private readonly context: ApiContext) {
    this.loop = new ReconcileLoop(context, (event) => event.resource === 'replicasets'
      || (event.resource === 'pods' && ((event.object.metadata.ownerReferences ?? []) as Array<{ kind: string }>).some((ref) => ref.kind === 'ReplicaSet')),
    () => this.syncAll());
  }

  stop(): void {
    this.loop.stop();
  }

  private syncAll(): void {
    for (const replicaSet of this.context.store.list('replicasets')) {
      if (!replicaSet.metadata.deletionTimestamp) this.sync(replicaSet);
    }
  }

  private sync(replicaSet: KubeObject): void {
    const pods = controlledBy(this.context, 'pods', replicaSet).filter(isActive);
    const wanted = replicaSet.spec?.replicas ?? 1;
    if (pods.length < wanted) {
      const ref = controllerRef(replicaSet, 'apps/v1', 'ReplicaSet');
      for (let missing = wanted - pods.length; missing > 0; missing--) {
        pods.push(createPodFromTemplate(this.context, replicaSet, ref, replicaSet.spec.template, { component: COMPONENT }));
      }
    } else if (pods.length > wanted) {
      // getPodsToDelete: unscheduled, then not ready, before running ones.
      const rank = (pod: KubeObject) => (pod.spec?.nodeName ? 1 : 0) + (isReady(pod) ? 1 : 0);
      const surplus = [...pods].sort((a, b) => rank(a) - rank(b)).slice(0, pods.length - wanted);
      for (const pod of surplus) deletePod(this.context, replicaSet, pod, COMPONENT);
      pods.splice(0, pods.length, ...pods.filter((pod) => !surplus.includes(pod)));
    }
    const ready = pods.filter(isReady).length;
    updateStatus(this.context, 'replicasets', replicaSet, {
      replicas: pods.length, fullyLabeledReplicas: pods.length, readyReplicas: ready, availableReplicas: ready,
      observedGeneration: replicaSet.metadata.generation ?? 1,
    });
  }
}
