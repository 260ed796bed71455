import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/cluster-client';

/** What the nightly checks read, in two list calls whatever the cluster's size: nodes, and kube-system's pods. */
export interface ClusterSnapshot {
  nodes: V1Node[];
  systemPods: V1Pod[];
  takenAt: number;
}

export async function takeClusterSnapshot(cluster: ClusterClient): Promise<ClusterSnapshot> {
  const [nodes, systemPods] = await Promise.all([cluster.core.listNode(), cluster.core.listNamespacedPod({ namespace: 'kube-system' })]);
  return { nodes: nodes.items, systemPods: systemPods.items, takenAt: Date.now() };
}
