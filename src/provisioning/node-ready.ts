import type { V1Node } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/cluster-client';
import { describeReadiness, nodeReadiness } from '../kube/node-readiness';
import { InfrastructureError } from '../errors';
import type { Waits } from '../waiting/waits';
import { Verdict, watchUntil } from '../waiting/watch-until';

/** Watches one node until `judge` is satisfied; a deleted node is waited for again (it may re-register). */
function watchNode(cluster: ClusterClient, name: string, what: string, waits: Waits, judge: (node: V1Node) => Verdict<V1Node>): Promise<V1Node> {
  return watchUntil<V1Node, V1Node>({
    kubeconfig: cluster.kubeconfig,
    path: '/api/v1/nodes',
    query: { fieldSelector: `metadata.name=${name}` },
    deadline: waits.deadline('node-ready', `node ${name} ${what}`),
    judge: (node, type) => (type === 'DELETED' ? { done: false, observed: `node ${name} was deleted` } : judge(node)),
  });
}

/** Waits, by watching, until the named node reports Ready; the timeout names its last condition. */
export function waitForNodeReady(cluster: ClusterClient, name: string, waits: Waits): Promise<V1Node> {
  return watchNode(cluster, name, 'Ready', waits, (node) =>
    nodeReadiness(node).ready ? { done: true, value: node } : { done: false, observed: describeReadiness(node) },
  );
}

/** Waits until the named node's kubelet has registered it with the API server (Ready or not). */
export function waitForNodeRegistered(cluster: ClusterClient, name: string, waits: Waits): Promise<V1Node> {
  return watchNode(cluster, name, 'registered', waits, (node) => ({ done: true, value: node }));
}

/** The named node from a list, Ready; otherwise the node's own reason (a node that went Unknown says since when). */
export function requireReadyNode(nodes: V1Node[], name: string): V1Node {
  const node = nodes.find((candidate) => candidate.metadata?.name === name);
  if (!node) throw new InfrastructureError('kubernetes', `node ${name} is not in the cluster any more`);
  if (!nodeReadiness(node).ready) throw new InfrastructureError('kubernetes', `${describeReadiness(node)}. Check the worker: \`journalctl -u k3s-agent\` on it.`);
  return node;
}
