import { bindPod } from '../resources/pods';
import { recordEvent } from './event-recorder';
import { kubeTime, type KubeObject } from '../../contracts/kube-object';
import type { ObjectStore, StoreEvent } from '../apiserver/object-store';
import {
  addPodUsage, clusterImages, filterNode, scoreNode, totalScores, unschedulableMessage, usageByNode,
  type ClusterImages, type FilterFailure, type NodeScores, type NodeUsage,
} from './scheduling-plugins';

export const SCHEDULER_NAME = 'default-scheduler';

/**
 * kube-scheduler's default profile, reduced to what the lab's pods use: it watches the store, places each pending pod
 * on the best feasible node, and records Scheduled or FailedScheduling. An unschedulable pod is tried again only
 * when the nodes or their load change (the real scheduler's queueing hints do the same).
 */
export class Scheduler {
  private readonly lastFailure = new Map<string, string>();
  private pass: NodeJS.Immediate | undefined;
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(private readonly store: ObjectStore) {
    this.unsubscribe = store.subscribe((event) => this.onChange(event));
    this.schedulePass();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.pass) clearImmediate(this.pass);
  }

  private onChange(event: StoreEvent): void {
    if (event.resource === 'pods' || event.resource === 'nodes') this.schedulePass();
  }

  private schedulePass(): void {
    if (this.pass || this.stopped) return;
    this.pass = setImmediate(() => {
      this.pass = undefined;
      if (!this.stopped) this.scheduleAll();
    });
  }

  /**
   * One scheduling pass: the nodes, their usage and the images they hold are read once (the scheduler's snapshot),
   * then each pending pod in queue order is filtered, scored and bound, its requests added to its node's usage.
   */
  private scheduleAll(): void {
    const pods = this.store.list('pods');
    const pending = pods
      .filter((pod) => !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && (pod.spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME)
      .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
    if (!pending.length) return;
    const nodes = this.store.list('nodes').sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const usage = usageByNode(nodes, pods);
    const images = clusterImages(nodes);
    for (const pod of pending) this.scheduleOne(pod, nodes, usage, images);
  }

  private scheduleOne(pod: KubeObject, nodes: KubeObject[], usage: Map<string, NodeUsage>, images: ClusterImages): void {
    const feasible: KubeObject[] = [];
    const scores: NodeScores[] = [];
    const failures: FilterFailure[] = [];
    const signature: string[] = [];
    for (const node of nodes) {
      const used = usage.get(node.metadata.name)!;
      const failure = filterNode(pod, node, used);
      signature.push(`${node.metadata.name}:${failure ? failure.reasons.join('|') : 'fits'}:${used.podCount}:${used.requested.milliCpu}:${used.requested.memory}`);
      if (failure) failures.push(failure);
      else {
        feasible.push(node);
        scores.push(scoreNode(pod, node, used, images));
      }
    }
    const uid = pod.metadata.uid!;
    if (!feasible.length) {
      // Same cluster picture as the last failed attempt: nothing new to try (avoids a retry storm on our own writes).
      if (this.lastFailure.get(uid) === signature.join(',')) return;
      this.lastFailure.set(uid, signature.join(','));
      this.reportUnschedulable(pod, unschedulableMessage(nodes.length, failures));
      return;
    }
    this.lastFailure.delete(uid);
    // The real scheduler picks at random among the best-scored nodes (selectHost's reservoir sampling); the lab
    // takes the first of them by name, so a run is repeatable (LIMITATIONS.md).
    const totals = totalScores(scores);
    const best = feasible[totals.indexOf(Math.max(...totals))];
    const namespace = pod.metadata.namespace!;
    const bound = bindPod(this.store, namespace, pod.metadata.name, best.metadata.name);
    addPodUsage(usage.get(best.metadata.name)!, bound);
    recordEvent(this.store, {
      involved: bound, type: 'Normal', reason: 'Scheduled', component: SCHEDULER_NAME, host: undefined,
      message: `Successfully assigned ${namespace}/${pod.metadata.name} to ${best.metadata.name}`,
    });
  }

  private reportUnschedulable(pod: KubeObject, message: string): void {
    const updated = this.store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (current) => {
      const conditions = (current.status.conditions ??= []) as Array<Record<string, unknown>>;
      const unschedulable = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: kubeTime(), reason: 'Unschedulable', message };
      const index = conditions.findIndex((c) => c.type === 'PodScheduled');
      if (index >= 0) {
        // Keep the transition time when only the message changes.
        if (conditions[index].status === 'False') unschedulable.lastTransitionTime = conditions[index].lastTransitionTime as string;
        conditions[index] = unschedulable;
      } else conditions.push(unschedulable);
    });
    recordEvent(this.store, { involved: updated, type: 'Warning', reason: 'FailedScheduling', component: SCHEDULER_NAME, message });
  }
}
