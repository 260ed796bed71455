import { kubeTime, type KubeObject } from '../../contracts/kube-object';
import type { ApiContext } from '../apiserver/resource';
import { selectorMatches } from '../resources/pod-templates';
import { isReady, ReconcileLoop, updateStatus, type OwnerReference } from './owned-pods';

/** The pods a budget covers: its namespace's pods its selector matches (policy/v1: an empty selector matches all). */
export function podsCoveredBy(context: ApiContext, budget: KubeObject): KubeObject[] {
  const selector = budget.spec?.selector ?? {};
  const everything = !Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length;
  return context.store.list('pods', budget.metadata.namespace).filter((pod) => everything || selectorMatches(selector, pod.metadata.labels));
}

/** intstr.GetScaledValueFromIntOrPercent: a count, or a percentage of `total` rounded as asked. */
function scaled(value: unknown, total: number, roundUp: boolean): number {
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  if (!percent) return Number(value);
  const exact = (total * Number(percent[1])) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * kube-controller-manager's disruption controller (pkg/controller/disruption): for each PodDisruptionBudget, how
 * many of its pods are healthy (Ready, not being deleted, not just evicted), how many must stay healthy, and so how
 * many disruptions are allowed; with maxUnavailable or a percentage, the expected count is the scale of the pods'
 * controllers (ReplicaSet replicas, DaemonSet desired count), else the pods themselves.
 */
export class DisruptionController {
  private readonly loop: ReconcileLoop;

  constructor(private readonly context: ApiContext) {
    this.loop = new ReconcileLoop(context, (event) => event.resource === 'poddisruptionbudgets' || event.resource === 'pods'
      || event.resource === 'replicasets' || event.resource === 'daemonsets', () => this.syncAll());
  }

  stop(): void {
    this.loop.stop();
  }

  private syncAll(): void {
    for (const budget of this.context.store.list('poddisruptionbudgets')) this.sync(budget);
  }

  private sync(budget: KubeObject): void {
    const pods = podsCoveredBy(this.context, budget);
    const disrupted = { ...(budget.status?.disruptedPods ?? {}) } as Record<string, string>;
    // An evicted pod stays in disruptedPods until it is gone (or has been deleted), then the controller drops it.
    for (const name of Object.keys(disrupted)) {
      const pod = pods.find((p) => p.metadata.name === name);
      if (!pod || pod.metadata.deletionTimestamp) delete disrupted[name];
    }
    const currentHealthy = pods.filter((pod) => isReady(pod) && !pod.metadata.deletionTimestamp && !disrupted[pod.metadata.name]).length;
    const { expectedPods, desiredHealthy } = this.expectations(budget, pods);
    const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
    const now = kubeTime();
    const previous = (budget.status?.conditions ?? []).find((c: { type: string }) => c.type === 'DisruptionAllowed');
    const allowed = disruptionsAllowed > 0 ? 'True' : 'False';
    updateStatus(this.context, 'poddisruptionbudgets', budget, {
      observedGeneration: budget.metadata.generation ?? 1,
      disruptedPods: Object.keys(disrupted).length ? disrupted : undefined,
      disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods,
      conditions: [{
        type: 'DisruptionAllowed', status: allowed, observedGeneration: budget.metadata.generation ?? 1,
        reason: disruptionsAllowed > 0 ? 'SufficientPods' : 'InsufficientPods', message: '',
        lastTransitionTime: previous?.status === allowed ? previous.lastTransitionTime : now,
      }],
    });
  }

  private expectations(budget: KubeObject, pods: KubeObject[]): { expectedPods: number; desiredHealthy: number } {
    const { minAvailable, maxUnavailable } = budget.spec ?? {};
    if (minAvailable !== undefined && typeof minAvailable === 'number') return { expectedPods: pods.length, desiredHealthy: minAvailable };
    const expectedPods = this.controllerScale(pods);
    if (maxUnavailable !== undefined) return { expectedPods, desiredHealthy: Math.max(0, expectedPods - scaled(maxUnavailable, expectedPods, true)) };
    if (minAvailable !== undefined) return { expectedPods, desiredHealthy: scaled(minAvailable, expectedPods, true) };
    return { expectedPods, desiredHealthy: 0 };
  }

  /** getExpectedPodCount: the sum of the scales of the pods' controllers, each counted once. */
  private controllerScale(pods: KubeObject[]): number {
    const seen = new Map<string, number>();
    let orphans = 0;
    for (const pod of pods) {
      const ref = ((pod.metadata.ownerReferences ?? []) as OwnerReference[]).find((owner) => owner.controller);
      const owner = ref && this.context.store.get(ref.kind === 'DaemonSet' ? 'daemonsets' : 'replicasets', pod.metadata.namespace, ref.name);
      if (!ref || !owner || !['ReplicaSet', 'DaemonSet'].includes(ref.kind)) orphans += 1;
      else seen.set(ref.uid, ref.kind === 'DaemonSet' ? owner.status?.desiredNumberScheduled ?? 0 : owner.spec?.replicas ?? 0);
    }
    return [...seen.values()].reduce((sum, scale) => sum + scale, 0) + orphans;
  }
}
