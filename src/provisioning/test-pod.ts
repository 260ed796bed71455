import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { ResourceTracker } from '../cleanup/cleanup-ledger';
import { podMarkLabels } from '../cleanup/run-mark';
import { DeadlineExceededError, InfrastructureError } from '../errors';
import { describeReadiness, nodeReadiness } from '../kube/node-readiness';
import type { PodRef } from '../kube/pod-deletion';
import { fatalWaiting, unschedulableMessage, waitingState } from '../kube/pod-state';
import { ClusterClient, kubernetesErrorMessage, unlessNotFound } from '../kube/cluster-client';
import { TEST_POD_NAMESPACE } from '../kube/namespaces';
import { renderColumns } from '../kube/text-columns';
import type { Waits } from '../waiting/waits';
import { Verdict, watchUntil } from '../waiting/watch-until';

export type TestPodRef = PodRef;

/** A plain nginx pod with no node selector, affinity or toleration: where it lands is the scheduler's free choice. */
export async function deployTestPod(cluster: ClusterClient, runId: string, tracker: ResourceTracker, image = 'nginx:alpine'): Promise<TestPodRef> {
  const ref = { namespace: TEST_POD_NAMESPACE, name: `acceptance-nginx-${runId}` };
  tracker.intend({ kind: 'pod', ...ref });
  try {
    await cluster.core.createNamespacedPod({
      namespace: ref.namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: ref.name, labels: podMarkLabels(runId) },
        spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] },
      },
    });
  } catch (error) {
    throw new InfrastructureError('kubernetes', `could not create test pod ${ref.namespace}/${ref.name}: ${kubernetesErrorMessage(error)}`);
  }
  return ref;
}

/** Waits until the scheduler has placed the pod; an Unschedulable verdict fails at once with the scheduler's message. */
export function waitForScheduling(cluster: ClusterClient, ref: TestPodRef, waits: Waits): Promise<V1Pod> {
  return watchPod(cluster, ref, waits, `pod ${ref.name} scheduled`, (pod) => {
    if (pod.spec?.nodeName) return { done: true, value: pod };
    const unschedulable = unschedulableMessage(pod);
    if (unschedulable !== undefined) {
      return { failed: new InfrastructureError('scheduling', `pod ${ref.namespace}/${ref.name} cannot be scheduled: ${unschedulable}`) };
    }
    const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
    return { done: false, observed: `Pending, not yet scheduled${scheduled?.message ? `: ${scheduled.message}` : ''}` };
  });
}

/**
 * Waits until the pod is Running; image pull failures and crash loops fail at once with the kubelet's reason. A pod
 * that simply never starts is explained by its node's state (a kubelet that went silent leaves it Pending).
 */
export async function waitForRunning(cluster: ClusterClient, ref: TestPodRef, waits: Waits): Promise<V1Pod> {
  try {
    return await watchUntilRunning(cluster, ref, waits);
  } catch (error) {
    if (!(error instanceof DeadlineExceededError)) throw error;
    const pod = await unlessNotFound(cluster.core.readNamespacedPod(ref));
    const node = pod?.spec?.nodeName ? await unlessNotFound(cluster.core.readNode({ name: pod.spec.nodeName })) : undefined;
    if (!node || nodeReadiness(node).ready) throw error;
    throw new DeadlineExceededError(error.what, error.timeoutMs, `${error.lastObserved}; node ${describeReadiness(node)}`);
  }
}

function watchUntilRunning(cluster: ClusterClient, ref: TestPodRef, waits: Waits): Promise<V1Pod> {
  return watchPod(cluster, ref, waits, `pod ${ref.name} Running`, (pod) => {
    if (pod.status?.phase === 'Running') return { done: true, value: pod };
    const fatal = fatalWaiting(pod);
    if (fatal) return { failed: new InfrastructureError('kubernetes', `pod ${ref.namespace}/${ref.name} on ${pod.spec?.nodeName} cannot start: ${fatal}`) };
    const waiting = waitingState(pod);
    return { done: false, observed: `${pod.status?.phase ?? 'Pending'}${waiting?.reason ? ` (${waiting.reason})` : ''} on ${pod.spec?.nodeName ?? 'no node'}` };
  });
}

function watchPod<T>(cluster: ClusterClient, ref: TestPodRef, waits: Waits, what: string, judge: (pod: V1Pod) => Verdict<T>) {
  return watchUntil<V1Pod, T>({
    kubeconfig: cluster.kubeconfig,
    path: `/api/v1/namespaces/${ref.namespace}/pods`,
    query: { fieldSelector: `metadata.name=${ref.name}` },
    deadline: waits.deadline('pod', what),
    judge: (pod, type) => (type === 'DELETED' ? { failed: new InfrastructureError('kubernetes', `pod ${ref.namespace}/${ref.name} was deleted while waiting for: ${what}`) } : judge(pod)),
  });
}

/** The pod's events as `kubectl describe pod` lists them, for the report. */
export async function podEvents(cluster: ClusterClient, ref: TestPodRef): Promise<string> {
  const events = await cluster.core.listNamespacedEvent({
    namespace: ref.namespace,
    fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${ref.name}`,
  });
  return renderEvents(events.items);
}

/**
 * The pod's log as `kubectl logs` prints it, for the report; when the API server does not serve it (a pod that never
 * started, or a server without pods/log), what it answered instead, so the evidence says why there is no log.
 */
export async function podLog(cluster: ClusterClient, ref: TestPodRef): Promise<string> {
  const command = `$ kubectl -n ${ref.namespace} logs ${ref.name}`;
  try {
    const log = await cluster.core.readNamespacedPodLog({ name: ref.name, namespace: ref.namespace, tailLines: 50 });
    return `${command}\n${log || '(the log is empty)'}`;
  } catch (error) {
    return `${command}\n(no log: the API server answered ${kubernetesErrorMessage(error)})`;
  }
}

/** Oldest first, as `kubectl describe` lists them; the API's order is by name, not by time. */
export function renderEvents(events: CoreV1Event[]): string {
  const time = (event: CoreV1Event) => new Date(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp ?? 0).getTime();
  const ordered = events.map((event, index) => ({ event, index })).sort((a, b) => time(a.event) - time(b.event) || a.index - b.index).map(({ event }) => event);
  const rows = ordered.map((event) => [event.type ?? '', event.reason ?? '', event.source?.component ?? event.reportingComponent ?? '', event.message ?? '']);
  return renderColumns(['Type', 'Reason', 'From', 'Message'], rows, 2);
}
