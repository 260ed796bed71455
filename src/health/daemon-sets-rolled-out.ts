import type { V1DaemonSet } from '@kubernetes/client-node';
import type { ClusterClient } from '../kube/cluster-client';
import { watchUntil } from '../waiting/watch-until';
import type { Waits } from '../waiting/waits';

/**
 * Waits, by watching, until every DaemonSet in kube-system has a ready pod on each node it should run on (k3s's
 * ServiceLB puts one on a worker only once the worker is Ready, and it then pulls and starts klipper-lb). Used after
 * the lab has just added its worker, so the nightly reads a cluster as settled as a real one that grew long ago.
 */
export function waitForSystemDaemonSets(cluster: ClusterClient, waits: Waits): Promise<void> {
  const pending = new Map<string, string>();
  return watchUntil<V1DaemonSet, void>({
    kubeconfig: cluster.kubeconfig,
    path: '/apis/apps/v1/namespaces/kube-system/daemonsets',
    query: {},
    deadline: waits.deadline('pod', 'kube-system DaemonSets rolled out'),
    judge: (daemonSet, type) => {
      const name = daemonSet.metadata?.name ?? '?';
      const { desiredNumberScheduled = 0, numberReady = 0 } = daemonSet.status ?? {};
      if (type === 'DELETED' || numberReady >= desiredNumberScheduled) pending.delete(name);
      else pending.set(name, `${name} ${numberReady}/${desiredNumberScheduled} ready`);
      // Judged after the list's ADDED events too: an empty cluster, or one already rolled out, is done at once.
      return pending.size ? { done: false, observed: [...pending.values()].join(', ') } : { done: true, value: undefined };
    },
  });
}
