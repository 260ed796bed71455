import type { LabTiming } from '../../timing';
import { findCondition, kubeTime, type Condition, type KubeObject, type Taint } from '../../contracts/kube-object';
import { NODE_LEASE_NAMESPACE } from '../../kubelet/node-heartbeat';
import type { ObjectStore, StoreEvent } from '../apiserver/object-store';

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';

/** The taints kube-controller-manager keeps on a node for its Ready condition (TaintNodesByCondition + NoExecute). */
export function readinessTaints(node: KubeObject): Array<Pick<Taint, 'key' | 'effect'>> {
  const ready = findCondition(node.status?.conditions as Condition[] | undefined, 'Ready');
  if (ready?.status === 'True') return [];
  if (ready?.status === 'Unknown') return [{ key: UNREACHABLE, effect: 'NoSchedule' }, { key: UNREACHABLE, effect: 'NoExecute' }];
  if (ready?.status === 'False') return [{ key: NOT_READY, effect: 'NoSchedule' }, { key: NOT_READY, effect: 'NoExecute' }];
  return [{ key: NOT_READY, effect: 'NoSchedule' }];
}

/**
 * --node-monitor-grace-period: 50 s since Kubernetes 1.32 (kubernetes/kubernetes#126287 raised it from 40 s;
 * pkg/controller/nodelifecycle/config/v1alpha1/defaults.go), and k3s leaves it at the default.
 */
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;

/**
 * kube-controller-manager's node lifecycle controller: keeps the readiness taints in step with the Ready condition
 * and, when a node shows no sign of life for longer than the grace period, marks every condition Unknown. A sign of
 * life is a new Ready heartbeat or a renewed Lease in kube-node-lease (tryUpdateNodeHealth: probeTimestamp moves on
 * with either), so a kubelet that posts status only every 5 minutes stays Ready while it renews its Lease.
 */
export class NodeLifecycleController {
  /** When the controller last saw each node's heartbeat or Lease change (its own clock, as probeTimestamp in the real one). */
  private readonly lastProbe = new Map<string, { heartbeat: string; renewTime: string; at: number }>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly gracePeriodMs: number;

  constructor(private readonly store: ObjectStore, timing: LabTiming) {
    // Scaled, but never below 2 s: at scale 0 Leases are renewed every 100 ms, and a busy test machine must not
    // turn a healthy node Unknown.
    this.gracePeriodMs = Math.max(timing.duration(NODE_MONITOR_GRACE_PERIOD_MS), 2_000);
    this.unsubscribe = store.subscribe((event) => this.onChange(event));
    for (const node of store.list('nodes')) this.observe(node);
    for (const lease of store.list('leases', NODE_LEASE_NAMESPACE)) this.observeLease(lease);
    this.timer = setInterval(() => this.checkHeartbeats(), timing.period(5_000));
    setImmediate(() => store.list('nodes').forEach((node) => this.reconcileTaints(node.metadata.name)));
  }

  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe();
  }

  private onChange(event: StoreEvent): void {
    if (event.resource === 'leases' && event.type !== 'DELETED' && event.object.metadata.namespace === NODE_LEASE_NAMESPACE) {
      this.observeLease(event.object);
      return;
    }
    if (event.resource !== 'nodes') return;
    if (event.type === 'DELETED') {
      this.lastProbe.delete(event.object.metadata.name);
      return;
    }
    this.observe(event.object);
    // Reconcile after the writer's own notification round, as the real controller works from its informer.
    const name = event.object.metadata.name;
    setImmediate(() => this.reconcileTaints(name));
  }

  private observe(node: KubeObject): void {
    const heartbeat = findCondition(node.status?.conditions as Condition[] | undefined, 'Ready')?.lastHeartbeatTime ?? '';
    const seen = this.lastProbe.get(node.metadata.name);
    if (!seen || seen.heartbeat !== heartbeat) this.lastProbe.set(node.metadata.name, { heartbeat, renewTime: seen?.renewTime ?? '', at: Date.now() });
  }

  private observeLease(lease: KubeObject): void {
    const renewTime = lease.spec?.renewTime ?? '';
    const seen = this.lastProbe.get(lease.metadata.name);
    if (seen && seen.renewTime !== renewTime) this.lastProbe.set(lease.metadata.name, { ...seen, renewTime, at: Date.now() });
  }

  private reconcileTaints(name: string): void {
    const node = this.store.get('nodes', undefined, name);
    if (!node) return;
    const wanted = readinessTaints(node);
    const current = (node.spec?.taints ?? []) as Taint[];
    const managed = (taint: Taint) => taint.key === NOT_READY || taint.key === UNREACHABLE;
    const kept = current.filter((taint) => !managed(taint) || wanted.some((w) => w.key === taint.key && w.effect === taint.effect));
    const added = wanted.filter((w) => !current.some((taint) => taint.key === w.key && taint.effect === w.effect));
    if (kept.length === current.length && !added.length) return;
    const now = kubeTime();
    const taints = [...kept, ...added.map((taint) => ({ ...taint, ...(taint.effect === 'NoExecute' ? { timeAdded: now } : {}) }))];
    this.store.mutate('nodes', undefined, name, (latest) => {
      latest.spec ??= {};
      if (taints.length) latest.spec.taints = taints;
      else delete latest.spec.taints;
    });
  }

  private checkHeartbeats(): void {
    const now = Date.now();
    for (const node of this.store.list('nodes')) {
      const conditions = (node.status?.conditions ?? []) as Condition[];
      const ready = findCondition(conditions, 'Ready');
      if (ready?.status === 'Unknown') continue;
      const probe = this.lastProbe.get(node.metadata.name);
      if (!probe || now - probe.at <= this.gracePeriodMs) continue;
      const transition = kubeTime();
      this.store.mutate('nodes', undefined, node.metadata.name, (latest) => {
        const list = (latest.status.conditions ??= []) as Condition[];
        const types = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'];
        for (const type of types) {
          const existing = findCondition(list, type);
          const unknown: Condition = existing
            ? { ...existing, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: transition }
            : { type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: transition, lastTransitionTime: transition };
          if (existing) list[list.indexOf(existing)] = unknown;
          else list.push(unknown);
        }
      });
    }
  }
}
