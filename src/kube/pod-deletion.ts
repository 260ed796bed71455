import type { V1Pod } from '@kubernetes/client-node';
import { InfrastructureError } from '../errors';
import type { Deadline } from '../waiting/deadline';
import { watchUntil } from '../waiting/watch-until';
import { ClusterClient, isNotFound, kubernetesErrorMessage, unlessNotFound } from './cluster-client';
import { nodeReadiness } from './node-readiness';

export interface PodRef {
  namespace: string;
  name: string;
}

/** Deletes a pod and waits until it is gone; a pod already gone is fine. `deadline` bounds the wait. */
export async function deletePodAndWait(cluster: ClusterClient, ref: PodRef, deadline: Deadline): Promise<void> {
  try {
    await cluster.core.deleteNamespacedPod({ name: ref.name, namespace: ref.namespace });
  } catch (error) {
    if (isNotFound(error)) return;
    throw new InfrastructureError('kubernetes', `could not delete pod ${ref.namespace}/${ref.name}: ${kubernetesErrorMessage(error)}`);
  }
  await waitUntilPodGone(cluster, ref, deadline);
}

/**
 * Evicts a pod as `kubectl drain` does (policy/v1 Eviction): the API server deletes it only if its
 * PodDisruptionBudget allows a disruption, and answers 429 otherwise (pkg/registry/core/pod/storage/eviction.go),
 * which the transport retries for a while, as drain retries; a budget that still does not allow it is reported
 * with the server's words. Then waits until the pod is gone.
 */
export async function evictPodAndWait(cluster: ClusterClient, ref: PodRef, deadline: Deadline): Promise<void> {
  try {
    await cluster.core.createNamespacedPodEviction({ name: ref.name, namespace: ref.namespace, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: ref } });
  } catch (error) {
    if (isNotFound(error)) return;
    const budget = (error as { code?: number }).code === 429 ? ' Its PodDisruptionBudget allows no disruption now: look at `kubectl get pdb -A`, or scale the workload so a replica can go.' : '';
    throw new InfrastructureError('kubernetes', `could not evict pod ${ref.namespace}/${ref.name}: ${kubernetesErrorMessage(error)}.${budget}`);
  }
  await waitUntilPodGone(cluster, ref, deadline);
}

async function waitUntilPodGone(cluster: ClusterClient, ref: PodRef, deadline: Deadline): Promise<void> {  // Read once, then watch from that version: the DELETED event cannot slip between the two.
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
    deadline,
    initiallyObserved: `still present, ${remaining.metadata?.deletionTimestamp ? `Terminating since ${new Date(remaining.metadata.deletionTimestamp).toISOString()} on ${remaining.spec?.nodeName} (waiting for its kubelet to confirm the deletion)` : remaining.status?.phase}`,
    judge: (pod, type) => (type === 'DELETED' ? { done: true, value: undefined } : { done: false, observed: `still present, ${pod.metadata?.deletionTimestamp ? 'Terminating' : pod.status?.phase}` }),
  });
}
