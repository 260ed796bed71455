import { createHash } from 'node:crypto';
import { kubeTime, type KubeObject } from '../../contracts/kube-object';
import type { ApiContext } from '../apiserver/resource';
import { resourceType } from '../apiserver/resource-registry';
import { ResourceOperations } from '../apiserver/resource-operations';
import { recordEvent } from './event-recorder';
import { controlledBy, controllerRef, ReconcileLoop, updateStatus } from './owned-pods';

const COMPONENT = 'deployment-controller';
// rand.SafeEncodeString's alphabet: no vowels, no confusable characters.
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** The pod-template-hash of a template (controller.ComputeHash: a hash of the template, safe-encoded). */
export function podTemplateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  let value = digest.readUInt32BE(0);
  let out = '';
  while (value > 0) {
    out += SAFE[value % SAFE.length];
    value = Math.floor(value / SAFE.length);
  }
  return out.slice(0, 10);
}

/**
 * kube-controller-manager's Deployment controller, reduced to the recreate-free essentials: one ReplicaSet
 * `<deployment>-<pod-template-hash>` per template (older ones scaled to 0 at once, no rolling surge), and the
 * Deployment's status and its Available and Progressing conditions as the real controller words them.
 */
export class DeploymentController {
  private readonly loop: ReconcileLoop;

  constructor(private readonly context: ApiContext) {
    this.loop = new ReconcileLoop(context, (event) => event.resource === 'deployments' || event.resource === 'replicasets', () => this.syncAll());
  }

  stop(): void {
    this.loop.stop();
  }

  private syncAll(): void {
    for (const deployment of this.context.store.list('deployments')) {
      if (!deployment.metadata.deletionTimestamp) this.sync(deployment);
    }
  }

  private sync(deployment: KubeObject): void {
    const replicaSets = controlledBy(this.context, 'replicasets', deployment);
    const hash = podTemplateHash(deployment.spec.template);
    const wanted = deployment.spec?.replicas ?? 1;
    let current = replicaSets.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    if (!current) current = this.createReplicaSet(deployment, hash, wanted, replicaSets.length + 1);
    else if (current.spec.replicas !== wanted) current = this.scale(deployment, current, wanted);
    for (const old of replicaSets.filter((rs) => rs !== current && rs.spec.replicas !== 0)) this.scale(deployment, old, 0);

    const all = controlledBy(this.context, 'replicasets', deployment);
    const sum = (field: string) => all.reduce((total, rs) => total + (rs.status?.[field] ?? 0), 0);
    const available = sum('availableReplicas');
    const now = kubeTime();
    const previous = (deployment.status?.conditions ?? []) as Array<{ type: string; status: string; lastTransitionTime: string; lastUpdateTime: string }>;
    const condition = (type: string, status: string, reason: string, message: string) => {
      const before = previous.find((c) => c.type === type);
      const same = before?.status === status && (before as { reason?: string }).reason === reason;
      return { type, status, lastUpdateTime: same ? before!.lastUpdateTime : now, lastTransitionTime: before?.status === status ? before.lastTransitionTime : now, reason, message };
    };
    const minimum = available >= wanted - maxUnavailable(deployment, wanted);
    updateStatus(this.context, 'deployments', deployment, {
      observedGeneration: deployment.metadata.generation ?? 1,
      replicas: sum('replicas'), updatedReplicas: current.status?.replicas ?? 0, readyReplicas: sum('readyReplicas'), availableReplicas: available,
      ...(wanted - available > 0 ? { unavailableReplicas: wanted - available } : {}),
      conditions: [
        minimum ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
          : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        (current.status?.availableReplicas ?? 0) >= wanted
          ? condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${current.metadata.name}" has successfully progressed.`)
          : condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${current.metadata.name}" is progressing.`),
      ],
    });
  }

  private createReplicaSet(deployment: KubeObject, hash: string, replicas: number, revision: number): KubeObject {
    const template = structuredClone(deployment.spec.template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'pod-template-hash': hash } };
    const selector = structuredClone(deployment.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, 'pod-template-hash': hash };
    const created = new ResourceOperations(this.context, resourceType('replicasets')!).create(deployment.metadata.namespace, {
      metadata: {
        name: `${deployment.metadata.name}-${hash}`, namespace: deployment.metadata.namespace, labels: template.metadata.labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + 1),
          'deployment.kubernetes.io/revision': String(revision),
        },
        ownerReferences: [controllerRef(deployment, 'apps/v1', 'Deployment')],
      },
      spec: { replicas, selector, template },
    });
    recordEvent(this.context.store, { involved: deployment, type: 'Normal', reason: 'ScalingReplicaSet', component: COMPONENT,
      message: `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}` });
    return created;
  }

  private scale(deployment: KubeObject, replicaSet: KubeObject, replicas: number): KubeObject {
    const from = replicaSet.spec.replicas ?? 0;
    const scaled = this.context.store.mutate('replicasets', replicaSet.metadata.namespace, replicaSet.metadata.name, (rs) => {
      rs.spec.replicas = replicas;
      rs.metadata.annotations = { ...rs.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(deployment.spec.replicas ?? 1) };
    });
    recordEvent(this.context.store, { involved: deployment, type: 'Normal', reason: 'ScalingReplicaSet', component: COMPONENT,
      message: `Scaled ${replicas > from ? 'up' : 'down'} replica set ${replicaSet.metadata.name} from ${from} to ${replicas}` });
    return scaled;
  }
}

/** The rolling update's maxUnavailable as a count (a percentage rounds down: intstr.GetScaledValueFromIntOrPercent). */
function maxUnavailable(deployment: KubeObject, replicas: number): number {
  const value = deployment.spec?.strategy?.rollingUpdate?.maxUnavailable ?? '25%';
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(String(value));
  return percent ? Math.floor((replicas * Number(percent[1])) / 100) : Number(value) || 0;
}
