import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { ResourceTracker } from '../cleanup/cleanup-ledger';
import { creating } from '../cleanup/in-flight';
import { DeadlineExceededError, InfrastructureError } from '../errors';
import { describeReadiness, nodeReadiness } from '../kube/node-readiness';
import { fatalWaiting, unschedulableMessage, waitingState } from '../kube/pod-state';
import { ClusterClient, isNotFound, kubernetesErrorMessage, unlessNotFound } from '../kube/cluster-client';
import { renderColumns } from '../kube/text-columns';
import { Deadline } from '../waiting/deadline';
import { suiteTimeouts } from '../waiting/suite-timeouts';
import { Verdict, watchUntil } from '../waiting/watch-until';

export const TEST_POD_LABEL = 'app.kubernetes.io/managed-by';

export interface TestPodRef {
  namespace: string;
  name: string;
}

/** A plain nginx pod with no node selector, affinity or toleration: where it lands is the scheduler's free choice. */
export async function deployTestPod(cluster: ClusterClient, runId: string, tracker: ResourceTracker, image = 'nginx:alpine'): Promise<TestPodRef> {
  const ref = { namespace: 'default', name: `acceptance-nginx-${runId}` };
  tracker.intend({ kind: 'pod', ...ref });
  try {
    await creating(cluster.core.createNamespacedPod({
      namespace: ref.namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: ref.name, labels: { [TEST_POD_LABEL]: 'k3s-acceptance', 'k3s-acceptance/run': runId } },
        spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] },
      },
    }));
  } catch (error) {
    throw new InfrastructureError('kubernetes', `could not create test pod ${ref.namespace}/${ref.name}: ${kubernetesErrorMessage(error)}`);
  }
  return ref;
}

/** Waits until the scheduler has placed the pod; an Unschedulable verdict fails at once with the scheduler's message. */
export function waitForScheduling(cluster: ClusterClient, ref: TestPodRef, timeoutMs = suiteTimeouts.get('pod')): Promise<V1Pod> {
  return watchPod(cluster, ref, `pod ${ref.name} scheduled`, timeoutMs, (pod) => {
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
export async function waitForRunning(cluster: ClusterClient, ref: TestPodRef, timeoutMs = suiteTimeouts.get('pod')): Promise<V1Pod> {
  try {
    return await watchUntilRunning(cluster, ref, timeoutMs);
  } catch (error) {
    if (!(error instanceof DeadlineExceededError)) throw error;
    const pod = await unlessNotFound(cluster.core.readNamespacedPod(ref));
    const node = pod?.spec?.nodeName ? await unlessNotFound(cluster.core.readNode({ name: pod.spec.nodeName })) : undefined;
    if (!node || nodeReadiness(node).ready) throw error;
    throw new DeadlineExceededError(error.what, error.timeoutMs, `${error.lastObserved}; node ${describeReadiness(node)}`);
  }
}

function watchUntilRunning(cluster: ClusterClient, ref: TestPodRef, timeoutMs: number): Promise<V1Pod> {
  return watchPod(cluster, ref, `pod ${ref.name} Running`, timeoutMs, (pod) => {
    if (pod.status?.phase === 'Running') return { done: true, value: pod };
    const fatal = fatalWaiting(pod);
    if (fatal) return { failed: new InfrastructureError('kubernetes', `pod ${ref.namespace}/${ref.name} on ${pod.spec?.nodeName} cannot start: ${fatal}`) };
    const waiting = waitingState(pod);
    return { done: false, observed: `${pod.status?.phase ?? 'Pending'}${waiting?.reason ? ` (${waiting.reason})` : ''} on ${pod.spec?.nodeName ?? 'no node'}` };
  });
}

function watchPod<T>(cluster: ClusterClient, ref: TestPodRef, what: string, timeoutMs: number, judge: (pod: V1Pod) => Verdict<T>, query: Record<string, string> = {}) {
  return watchUntil<V1Pod, T>({
    kubeconfig: cluster.kubeconfig,
    path: `/api/v1/namespaces/${ref.namespace}/pods`,
    query: { fieldSelector: `metadata.name=${ref.name}`, ...query },
    deadline: new Deadline(what, timeoutMs),
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

/** Oldest first, as `kubectl describe` lists them; the API's order is by name, not by time. */
export function renderEvents(events: CoreV1Event[]): string {
  const time = (event: CoreV1Event) => new Date(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp ?? 0).getTime();
  const ordered = events.map((event, index) => ({ event, index })).sort((a, b) => time(a.event) - time(b.event) || a.index - b.index).map(({ event }) => event);
  const rows = ordered.map((event) => [event.type ?? '', event.reason ?? '', event.source?.component ?? event.reportingComponent ?? '', event.message ?? '']);
  return renderColumns(['Type', 'Reason', 'From', 'Message'], rows, 2);
}

/** Deletes the test pod and waits until it is gone; a pod already gone is fine. */
export async function removeTestPod(cluster: ClusterClient, ref: TestPodRef, timeoutMs = suiteTimeouts.get('pod')): Promise<void> {
  try {
    await cluster.core.deleteNamespacedPod({ name: ref.name, namespace: ref.namespace });
  } catch (error) {
    if (isNotFound(error)) return;
    throw new InfrastructureError('kubernetes', `could not delete test pod ${ref.namespace}/${ref.name}: ${kubernetesErrorMessage(error)}`);
  }
  // Read once, then watch from that version: the DELETED event cannot slip between the two.
  let remaining = await unlessNotFound(cluster.core.readNamespacedPod({ name: ref.name, namespace: ref.namespace }));
  if (!remaining) return;
  // A kubelet that is gone never confirms a graceful deletion; as `kubectl delete --force --grace-period=0` does,
  // the pod object is removed without it (the test pod holds nothing the node needs).
  const node = remaining.spec?.nodeName ? await unlessNotFound(cluster.core.readNode({ name: remaining.spec.nodeName })) : undefined;
  if (node && !nodeReadiness(node).ready) {
    await unlessNotFound(cluster.core.deleteNamespacedPod({ name: ref.name, namespace: ref.namespace, gracePeriodSeconds: 0 }));
    remaining = await unlessNotFound(cluster.core.readNamespacedPod({ name: ref.name, namespace: ref.namespace }));
    if (!remaining) return;
  }
  await watchUntil<V1Pod, void>({
    kubeconfig: cluster.kubeconfig,
    path: `/api/v1/namespaces/${ref.namespace}/pods`,
    query: { fieldSelector: `metadata.name=${ref.name}`, resourceVersion: remaining.metadata!.resourceVersion! },
    deadline: new Deadline(`test pod ${ref.name} deleted`, timeoutMs),
    initiallyObserved: `still present, ${remaining.metadata?.deletionTimestamp ? `Terminating since ${new Date(remaining.metadata.deletionTimestamp).toISOString()} on ${remaining.spec?.nodeName} (waiting for its kubelet to confirm the deletion)` : remaining.status?.phase}`,
    judge: (pod, type) => (type === 'DELETED' ? { done: true, value: undefined } : { done: false, observed: `still present, ${pod.metadata?.deletionTimestamp ? 'Terminating' : pod.status?.phase}` }),
  });
}
