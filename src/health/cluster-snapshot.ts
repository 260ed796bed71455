import * as k8s from '@kubernetes/client-node';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { ClusterClient } from '../kube/cluster-client';

/**
 * What the nightly checks read, in four requests whatever the cluster's size: the nodes, their kubelets' Leases in
 * kube-node-lease, kube-system's pods, and the API server's version.
 */
export interface ClusterSnapshot {
  nodes: V1Node[];
  leases: k8s.V1Lease[];
  systemPods: V1Pod[];
  serverVersion: string;
  takenAt: number;
}

export async function takeClusterSnapshot(cluster: ClusterClient): Promise<ClusterSnapshot> {
  const [nodes, leases, systemPods, serverVersion] = await Promise.all([
    cluster.core.listNode(),
    cluster.api(k8s.CoordinationV1Api).listNamespacedLease({ namespace: 'kube-node-lease' }),
    cluster.core.listNamespacedPod({ namespace: 'kube-system' }),
    cluster.serverVersion(),
  ]);
  return { nodes: nodes.items, leases: leases.items, systemPods: systemPods.items, serverVersion, takenAt: Date.now() };
}
