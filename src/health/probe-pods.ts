import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { ResourceTracker } from '../cleanup/cleanup-ledger';
import { podMarkLabels, RUN_LABEL } from '../cleanup/run-mark';
import { InfrastructureError } from '../errors';
import { ClusterClient } from '../kube/cluster-client';
import { TEST_POD_NAMESPACE } from '../kube/namespaces';
import { deletePodAndWait, type PodRef } from '../kube/pod-deletion';
import { fatalWaiting, unschedulableMessage, waitingState } from '../kube/pod-state';
import type { Waits } from '../waiting/waits';
import { watchUntil } from '../waiting/watch-until';

const NAMESPACE = TEST_POD_NAMESPACE;
const PROBE_LABEL = 'k3s-acceptance/probe';

/** The probe pod for one worker: pinned by its hostname label, so the scheduler still decides it fits. */
export function probePodFor(node: V1Node, runId: string, image = 'nginx:alpine'): V1Pod {
  const name = node.metadata!.name!;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `acceptance-probe-${runId}-${name}`.slice(0, 63).replace(/-+$/, ''),
      labels: { ...podMarkLabels(runId), [PROBE_LABEL]: 'true' },
    },
    spec: { nodeSelector: { 'kubernetes.io/hostname': name }, containers: [{ name: 'probe', image }], terminationGracePeriodSeconds: 0 },
  };
}

/**
 * Proves each worker can run a pod: one probe pod per worker, all watched through one label-selected watch until
 * every one is Running. A probe the scheduler refuses or whose image cannot start fails at once with its reason; at
 * the deadline the workers whose probe is not Running are named. The probes are always removed.
 */
export async function probeWorkers(cluster: ClusterClient, workers: V1Node[], runId: string, tracker: ResourceTracker, waits: Waits): Promise<void> {
  const probes = workers.map((worker) => probePodFor(worker, runId));
  const refs: PodRef[] = probes.map((probe) => ({ namespace: NAMESPACE, name: probe.metadata!.name! }));
  try {
    for (const [index, probe] of probes.entries()) {
      tracker.intend({ kind: 'pod', ...refs[index] });
      await cluster.core.createNamespacedPod({ namespace: NAMESPACE, body: probe });
    }
    await waitForProbes(cluster, runId, refs, waits);
  } finally {
    for (const ref of refs) {
      await deletePodAndWait(cluster, ref, waits.deadline('pod', `probe pod ${ref.name} deleted`));
      tracker.removed({ kind: 'pod', ...ref });
    }
  }
}

function waitForProbes(cluster: ClusterClient, runId: string, refs: PodRef[], waits: Waits): Promise<void> {
  const state = new Map<string, string>(refs.map((ref) => [ref.name, 'not seen yet']));
  const describe = () => [...state].filter(([, seen]) => seen !== 'Running').map(([name, seen]) => `${name}: ${seen}`).join('; ');
  return watchUntil<V1Pod, void>({
    kubeconfig: cluster.kubeconfig,
    path: `/api/v1/namespaces/${NAMESPACE}/pods`,
    query: { labelSelector: `${RUN_LABEL}=${runId},${PROBE_LABEL}=true` },
    deadline: waits.deadline('pod', `probe pods on ${refs.length} worker(s) Running`),
    judge: (pod) => {
      const name = pod.metadata!.name!;
      const node = pod.spec?.nodeSelector?.['kubernetes.io/hostname'];
      const unschedulable = unschedulableMessage(pod);
      if (unschedulable !== undefined) return { failed: new InfrastructureError('scheduling', `worker ${node} cannot take a pod: ${unschedulable}`) };
      const fatal = fatalWaiting(pod);
      if (fatal) return { failed: new InfrastructureError('kubernetes', `worker ${node} cannot start a pod: ${fatal}`) };
      const waiting = waitingState(pod);
      state.set(name, pod.status?.phase === 'Running' ? 'Running' : `${pod.status?.phase ?? 'Pending'}${waiting?.reason ? ` (${waiting.reason})` : ''}`);
      return [...state.values()].every((seen) => seen === 'Running') ? { done: true, value: undefined } : { done: false, observed: describe() };
    },
  });
}
