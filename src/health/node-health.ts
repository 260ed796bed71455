import type { V1Node } from '@kubernetes/client-node';
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
 * From one list of nodes: each node must be Ready, have posted status within `maxHeartbeatAgeMs` (the node lifecycle
 * controller's 40 s grace plus a margin), and report no memory, disk or PID pressure. Every unhealthy node is named.
 */
export function nodeFindings(nodes: V1Node[], maxHeartbeatAgeMs: number, now = Date.now()): NodeFinding[] {
  const findings: NodeFinding[] = [];
  for (const node of nodes) {
    const name = node.metadata?.name ?? '?';
    const readiness = nodeReadiness(node);
    if (!readiness.ready) findings.push({ node: name, kind: 'readiness', problem: describeReadiness(node, now) });
    else if (readiness.lastHeartbeat && now - readiness.lastHeartbeat.getTime() > maxHeartbeatAgeMs) {
      findings.push({ node: name, kind: 'readiness', problem: `${name} last posted status ${Math.round((now - readiness.lastHeartbeat.getTime()) / 1000)}s ago (more than ${maxHeartbeatAgeMs / 1000}s)` });
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
