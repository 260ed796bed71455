import type { KubeObject, Taint } from '../../contracts/kube-object';
import type { ApiContext } from '../apiserver/resource';
import { podTemplateHash } from './deployment-controller';
import { controlledBy, controllerRef, createPodFromTemplate, deletePod, isActive, isReady, ReconcileLoop, updateStatus } from './owned-pods';
import { effectiveTaints, matchesNodeAffinity, tolerates } from './scheduling-plugins';

const COMPONENT = 'daemonset-controller';

/** AddOrUpdateDaemonPodTolerations (pkg/controller/daemon/util): what every daemon pod tolerates. */
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/**
 * What the controller adds to a daemon pod: the daemon tolerations, and a required node affinity on metadata.name
 * (ReplaceDaemonSetPodNodeNameNodeAffinity), so the scheduler can only place it on its node.
 */
export function pinDaemonPod(pod: KubeObject, nodeName: string): void {
  const existing = (pod.spec.tolerations ?? []) as Array<{ key?: string; effect?: string }>;
  pod.spec.tolerations = [...existing, ...DAEMON_TOLERATIONS.filter((t) => !existing.some((e) => e.key === t.key && e.effect === t.effect))];
  pod.spec.affinity = {
    ...pod.spec.affinity,
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] } },
  };
}

/** The node a daemon pod is meant for: its nodeName, or the matchFields affinity the controller gave it. */
function targetNode(pod: KubeObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    const field = (term.matchFields ?? []).find((f: { key: string }) => f.key === 'metadata.name');
    if (field?.values?.length) return field.values[0];
  }
  return undefined;
}

/**
 * kube-controller-manager's DaemonSet controller (pkg/controller/daemon): one pod per node that should run it (the
 * template's node selector and affinity match, and its tolerations plus the daemon tolerations cover the node's
 * NoSchedule/NoExecute taints), nodes that join later included. The pod is pinned with a matchFields node affinity
 * and placed by the default scheduler, as since 1.12. Status: desired, current, ready, updated, available.
 */
export class DaemonSetController {
  private readonly loop: ReconcileLoop;

  constructor(private readonly context: ApiContext) {
    this.loop = new ReconcileLoop(context, (event) => {
      if (event.resource === 'daemonsets') return true;
      if (event.resource === 'pods') return ((event.object.metadata.ownerReferences ?? []) as Array<{ kind: string }>).some((ref) => ref.kind === 'DaemonSet');
      // Heartbeats do not matter; a node's arrival, departure, labels, taints or readiness do.
      return event.resource === 'nodes' && (event.type !== 'MODIFIED' || placementOf(event.object) !== placementOf(event.previous));
    }, () => this.syncAll());
  }

  stop(): void {
    this.loop.stop();
  }

  private syncAll(): void {
    const nodes = this.context.store.list('nodes');
    for (const daemonSet of this.context.store.list('daemonsets')) {
      if (!daemonSet.metadata.deletionTimestamp) this.sync(daemonSet, nodes);
    }
  }

  private sync(daemonSet: KubeObject, nodes: KubeObject[]): void {
    const pods = controlledBy(this.context, 'pods', daemonSet).filter(isActive);
    const generation = String(daemonSet.metadata.generation ?? 1);
    const revision = podTemplateHash(daemonSet.spec.template);
    let desired = 0;
    let current = 0;
    let ready = 0;
    let updated = 0;
    for (const node of nodes) {
      const name = node.metadata.name;
      const onNode = pods.filter((pod) => targetNode(pod) === name);
      if (!this.shouldRun(daemonSet, node)) {
        for (const pod of onNode) deletePod(this.context, daemonSet, pod, COMPONENT);
        continue;
      }
      desired += 1;
      if (!onNode.length) onNode.push(this.createPod(daemonSet, name, generation, revision));
      current += 1;
      if (onNode.some(isReady)) ready += 1;
      if (onNode.some((pod) => pod.metadata.labels?.['pod-template-generation'] === generation)) updated += 1;
    }
    updateStatus(this.context, 'daemonsets', daemonSet, {
      currentNumberScheduled: current, desiredNumberScheduled: desired, numberMisscheduled: 0, numberReady: ready,
      numberAvailable: ready, updatedNumberScheduled: updated, observedGeneration: daemonSet.metadata.generation ?? 1,
      ...(desired - ready > 0 ? { numberUnavailable: desired - ready } : { numberUnavailable: undefined }),
    });
  }

  /** nodeShouldRunDaemonPod: selector and affinity match, and no NoSchedule/NoExecute taint goes untolerated. */
  private shouldRun(daemonSet: KubeObject, node: KubeObject): boolean {
    const template = { metadata: { name: '' }, spec: daemonSet.spec.template.spec } as KubeObject;
    if (!matchesNodeAffinity(template, node)) return false;
    const tolerations = [...(daemonSet.spec.template.spec.tolerations ?? []), ...DAEMON_TOLERATIONS];
    return !effectiveTaints(node).some((taint: Taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerates(tolerations, taint));
  }

  private createPod(daemonSet: KubeObject, nodeName: string, generation: string, revision: string): KubeObject {
    return createPodFromTemplate(this.context, daemonSet, controllerRef(daemonSet, 'apps/v1', 'DaemonSet'), daemonSet.spec.template, {
      component: COMPONENT,
      labels: { 'controller-revision-hash': revision, 'pod-template-generation': generation },
      change: (pod) => pinDaemonPod(pod, nodeName),
    });
  }
}

/** What of a node decides where daemon pods go: labels, taints, schedulability and the Ready status. */
function placementOf(node: KubeObject | undefined): string {
  if (!node) return '';
  const ready = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready')?.status;
  return JSON.stringify([node.metadata.labels, node.spec?.taints, node.spec?.unschedulable, ready]);
}
