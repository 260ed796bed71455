import { kubeMicroTime, type KubeObject } from '../contracts/kube-object';
import type { LabTiming } from '../timing';

/**
 * How a kubelet tells the cluster it is alive, with KubeletConfiguration's defaults: it renews its Lease
 * `kube-node-lease/<node>` every quarter of nodeLeaseDurationSeconds (40 s, so every 10 s: component-helpers
 * apimachinery/lease/controller.go, renewIntervalFraction 0.25), checks its node status every
 * nodeStatusUpdateFrequency (10 s), and posts it only when it changed or nodeStatusReportFrequency (5 min) has passed
 * since the last post (pkg/kubelet/kubelet_node_status.go, updateNode). So a healthy node's lastHeartbeatTime can be
 * up to 5 minutes old while its Lease is never more than ~10 s old.
 */
export const NODE_LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_INTERVAL_MS = 10_000;
export const NODE_STATUS_UPDATE_FREQUENCY_MS = 10_000;
export const NODE_STATUS_REPORT_FREQUENCY_MS = 300_000;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The kubelet's Lease: held by the node, owned by its Node (so it goes when the Node goes). */
export function nodeLease(nodeName: string, nodeUid: string | undefined, renewTime = new Date()): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUid }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: kubeMicroTime(renewTime) },
  };
}

/**
 * The kubelet's rule for posting node status: the status as computed now (heartbeat times left out) goes out when it
 * differs from the last one posted, or when the report frequency has passed. Scaled by the lab's timing, with
 * LabTiming.period's floor so a scale-0 lab still posts at most every 100 ms.
 */
export class NodeStatusReports {
  private lastPosted?: string;
  private lastPostedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly timing: LabTiming) {}

  /**
   * Whether `status` should be posted now: it differs from `original` (the Node's status as the kubelet last saw it
   * from the API server; by default what it last posted itself), or the report frequency has passed.
   */
  due(status: unknown, original?: unknown, now = Date.now()): boolean {
    const before = original === undefined ? this.lastPosted : fingerprint(original);
    return fingerprint(status) !== before || now - this.lastPostedAt >= this.timing.period(NODE_STATUS_REPORT_FREQUENCY_MS);
  }

  /** Remembers a successful post. */
  posted(status: unknown, now = Date.now()): void {
    this.lastPosted = fingerprint(status);
    this.lastPostedAt = now;
  }
}

/** The status as nodeStatusHasChanged compares it: everything but the conditions' heartbeat times. */
function fingerprint(status: unknown): string {
  return JSON.stringify(status, (key, value) => (key === 'lastHeartbeatTime' ? undefined : value));
}
