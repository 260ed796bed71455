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

/**
 * What API defaulting and the default admission plugins add to a new pod (defaults.go, DefaultTolerationSeconds,
 * ServiceAccount admission's `default` account), so reads look like a real cluster's.
 */
export function defaultPod(pod: KubeObject): void {
  const spec = pod.spec;
  for (const container of spec.containers as Container[]) {
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
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.priority ??= 0;
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
