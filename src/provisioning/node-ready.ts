import type { V1Node } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/cluster-client';
import { nodeReadiness } from '../kube/node-readiness';
import { Deadline } from '../waiting/deadline';
import { watchUntil } from '../waiting/watch-until';

export const NODE_READY_TIMEOUT_MS = 3 * 60_000;

/** Waits, by watching, until the named node reports Ready; the timeout names its last condition. */
export function waitForNodeReady(cluster: ClusterClient, name: string, timeoutMs = NODE_READY_TIMEOUT_MS): Promise<V1Node> {
  return watchUntil<V1Node, V1Node>({
    kubeconfig: cluster.kubeconfig,
    path: '/api/v1/nodes',
    query: { fieldSelector: `metadata.name=${name}` },
    deadline: new Deadline(`node ${name} Ready`, timeoutMs),
    judge: (node, type) => {
      if (type === 'DELETED') return { done: false, observed: `node ${name} was deleted` };
      const readiness = nodeReadiness(node);
      if (readiness.ready) return { done: true, value: node };
      const heartbeat = readiness.lastHeartbeat ? ` (last heartbeat ${Math.round((Date.now() - readiness.lastHeartbeat.getTime()) / 1000)}s ago)` : '';
      return { done: false, observed: `${readiness.status}: ${readiness.reason}${heartbeat}` };
    },
  });
}

/** Waits until the named node's kubelet has registered it with the API server (Ready or not). */
export function waitForNodeRegistered(cluster: ClusterClient, name: string, timeoutMs = NODE_READY_TIMEOUT_MS): Promise<V1Node> {
  return watchUntil<V1Node, V1Node>({
    kubeconfig: cluster.kubeconfig,
    path: '/api/v1/nodes',
    query: { fieldSelector: `metadata.name=${name}` },
    deadline: new Deadline(`node ${name} registered`, timeoutMs),
    judge: (node, type) => (type === 'DELETED' ? { done: false, observed: `node ${name} was deleted` } : { done: true, value: node }),
  });
}
