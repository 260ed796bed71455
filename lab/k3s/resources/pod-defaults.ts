import type { KubeObject } from '../../contracts/kube-object';

interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
}

// `:latest` or no tag means Always, anything else IfNotPresent (pkg/apis/core/v1/defaults.go).
function defaultPullPolicy(image: string): string {
  const lastPart = image.split('/').pop() ?? image;
  if (lastPart.includes('@')) return 'IfNotPresent';
  const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function qosClass(containers: Container[]): string {
  const all = containers.map((c) => ({ requests: { ...c.resources?.limits, ...c.resources?.requests }, limits: c.resources?.limits ?? {} }));
  if (all.every((c) => !Object.keys(c.requests).length && !Object.keys(c.limits).length)) return 'BestEffort';
  const guaranteed = all.every((c) => ['cpu', 'memory'].every((r) => c.limits[r] !== undefined && c.requests[r] === c.limits[r]));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The built-in PriorityClasses (scheduling/v1 SystemPriorityClasses), which Priority admission resolves. */
const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

/** API defaulting of a pod spec (pkg/apis/core/v1/defaults.go), for pods and for the templates of workloads. */
export function defaultPodSpec(spec: KubeObject['spec']): void {
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Container[]) {
    container.imagePullPolicy ??= defaultPullPolicy(container.image);
    container.resources ??= {};
    // Requests default to limits when only limits are given.
    if (container.resources.limits) container.resources.requests = { ...container.resources.limits, ...container.resources.requests };
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
  }
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
}

/**
 * What API defaulting and the default admission plugins add to a new pod (defaults.go; ServiceAccount admission's
 * `default` account; Priority admission; DefaultTolerationSeconds), so reads look like a real cluster's.
 */
export function defaultPod(pod: KubeObject): void {
  const spec = pod.spec;
  defaultPodSpec(spec);
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.priority ??= SYSTEM_PRIORITIES[spec.priorityClassName] ?? 0;
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.tolerations ??= [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!spec.tolerations.some((t: { key?: string }) => t.key === key)) {
      spec.tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  pod.status = { phase: 'Pending', qosClass: qosClass(spec.containers) };
}
