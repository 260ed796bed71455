import type { V1Lease, V1Node } from '@kubernetes/client-node';
import { SKEW_POLICY, skewViolation } from '../k3s/version-skew';
import { describeReadiness, isControlPlane, nodeReadiness } from '../kube/node-readiness';

/** One thing wrong with one node, in the operator's words. */
export interface NodeFinding {
  node: string;
  /** Which check found it: the node not Ready or silent, or a pressure condition. */
  kind: 'readiness' | 'pressure';
  problem: string;
}

const PRESSURES = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

/**
 * Each node must be Ready, its kubelet must have renewed its Lease in kube-node-lease within `graceMs`, and it must
 * report no memory, disk or PID pressure. Liveness is the Lease, as the node lifecycle controller judges it: a kubelet
 * renews it every 10 s but posts node status only when something changed or every 5 minutes
 * (nodeStatusReportFrequency), so a healthy node's status heartbeat may be minutes old. Every unhealthy node is named,
 * with both ages.
 */
export function nodeFindings(nodes: V1Node[], leases: V1Lease[], graceMs: number, now = Date.now()): NodeFinding[] {
  const findings: NodeFinding[] = [];
  const renewed = new Map(leases.map((lease) => [lease.metadata?.name, lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : undefined]));
  const age = (at: number | undefined) => (at === undefined ? 'never' : `${Math.round((now - at) / 1000)}s ago`);
  for (const node of nodes) {
    const name = node.metadata?.name ?? '?';
    const readiness = nodeReadiness(node);
    const renewedAt = renewed.get(name);
    const ages = `Lease renewed ${age(renewedAt)}, status posted ${age(readiness.lastHeartbeat?.getTime())}`;
    if (!readiness.ready) findings.push({ node: name, kind: 'readiness', problem: `${describeReadiness(node, now)}; ${ages}` });
    else if (renewedAt === undefined || now - renewedAt > graceMs) {
      findings.push({ node: name, kind: 'readiness', problem: `${name}'s kubelet has not renewed its Lease within ${graceMs / 1000}s: ${ages}` });
    }
    for (const condition of node.status?.conditions ?? []) {
      if (PRESSURES.includes(condition.type) && condition.status !== 'False') {
        findings.push({ node: name, kind: 'pressure', problem: `${name} has ${condition.type}=${condition.status}: ${condition.reason ?? ''} ${condition.message ?? ''}`.trim() });
      }
    }
  }
  return findings;
}

/** Nodes grouped by the kubelet version they run (k3s's version is the kubelet's: v1.34.3+k3s1). */
export function kubeletVersions(nodes: V1Node[]): Map<string, string[]> {
  const versions = new Map<string, string[]>();
  for (const node of nodes) {
    const version = node.status?.nodeInfo?.kubeletVersion ?? 'unknown';
    versions.set(version, [...(versions.get(version) ?? []), node.metadata?.name ?? '?']);
  }
  return versions;
}

/** Kubelets outside the version-skew policy against the API server's version, each named with the policy's words. */
export function skewFindings(versions: Map<string, string[]>, serverVersion: string): string[] {
  return [...versions].flatMap(([version, names]) => {
    const violation = skewViolation(version, serverVersion);
    return violation ? [`${names.join(', ')} ${names.length === 1 ? 'runs' : 'run'} kubelet ${version}, ${violation}, which breaks ${SKEW_POLICY}`] : [];
  });
}

/** "v1.34.3+k3s1: k3s-master, k3s-worker-01" per line, most nodes first: the skew report. */
export function renderVersionSkew(versions: Map<string, string[]>): string {
  return [...versions].sort((a, b) => b[1].length - a[1].length).map(([version, names]) => `${version}: ${names.join(', ')}`).join('\n');
}

/** Workers a pod may be scheduled to: Ready, not cordoned, not the control plane, no NoSchedule/NoExecute taint. */
export function schedulableWorkers(nodes: V1Node[]): V1Node[] {
  return nodes.filter((node) => !isControlPlane(node) && whyUnschedulable(node) === undefined);
}

/** Why a plain pod cannot land on a node, in kubectl's words; undefined when it can. */
export function whyUnschedulable(node: V1Node): string | undefined {
  const readiness = nodeReadiness(node);
  if (node.spec?.unschedulable) return 'cordoned (SchedulingDisabled)';
  if (!readiness.ready) return `${readiness.status}: ${readiness.reason}`;
  const taint = (node.spec?.taints ?? []).find((candidate) => candidate.effect === 'NoSchedule' || candidate.effect === 'NoExecute');
  return taint ? `tainted ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}` : undefined;
}
