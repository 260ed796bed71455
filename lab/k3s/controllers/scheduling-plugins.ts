import { findCondition, type Condition, type KubeObject, type Taint } from '../../contracts/kube-object';
import { holdsResources, nonZeroPodRequests, podRequests, type Requests } from './pod-requests';
import { bytes, milliCores } from '../apiserver/quantities';

/** Why a node was filtered out, and whether evicting pods could ever help (UnschedulableAndUnresolvable or not). */
export interface FilterFailure {
  reasons: string[];
  resolvable: boolean;
}

interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: string;
}

export function tolerates(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/**
 * The node's taints, plus the not-ready taint a node that is not Ready will carry as soon as the node lifecycle
 * controller catches up (a real kubelet registers with it), so a just-registered node is never a candidate.
 */
export function effectiveTaints(node: KubeObject): Taint[] {
  const taints = [...((node.spec?.taints ?? []) as Taint[])];
  const ready = findCondition(node.status?.conditions as Condition[] | undefined, 'Ready');
  if (ready?.status !== 'True' && !taints.some((t) => t.key.startsWith('node.kubernetes.io/not-ready') || t.key === 'node.kubernetes.io/unreachable')) {
    taints.push({ key: ready?.status === 'Unknown' ? 'node.kubernetes.io/unreachable' : 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  }
  return taints;
}

interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

function requirementMatches(labels: Record<string, string>, { key, operator, values = [] }: NodeSelectorRequirement): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  switch (operator) {
    case 'In': return has && values.includes(labels[key]);
    case 'NotIn': return !has || !values.includes(labels[key]);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': return has && Number(labels[key]) > Number(values[0]);
    case 'Lt': return has && Number(labels[key]) < Number(values[0]);
  }
}

/** NodeAffinity's filter: the pod's nodeSelector and required node affinity terms (matchExpressions, matchFields). */
export function matchesNodeAffinity(pod: KubeObject, node: KubeObject): boolean {
  const labels = node.metadata.labels ?? {};
  const selector = (pod.spec?.nodeSelector ?? {}) as Record<string, string>;
  if (!Object.entries(selector).every(([key, value]) => labels[key] === value)) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as
    Array<{ matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }> | undefined;
  if (!terms?.length) return true;
  // Terms are ORed, expressions within a term ANDed.
  return terms.some((term) => (term.matchExpressions ?? []).every((r) => requirementMatches(labels, r))
    && (term.matchFields ?? []).every((r) => requirementMatches({ 'metadata.name': node.metadata.name }, r)));
}

export interface NodeUsage {
  requested: Requests;
  nonZeroRequested: Requests;
  podCount: number;
}

export function nodeUsage(node: KubeObject, pods: KubeObject[]): NodeUsage {
  const usage: NodeUsage = { requested: { milliCpu: 0, memory: 0 }, nonZeroRequested: { milliCpu: 0, memory: 0 }, podCount: 0 };
  for (const pod of pods) {
    if (!holdsResources(pod, node.metadata.name)) continue;
    const requests = podRequests(pod);
    const nonZero = nonZeroPodRequests(pod);
    usage.requested.milliCpu += requests.milliCpu;
    usage.requested.memory += requests.memory;
    usage.nonZeroRequested.milliCpu += nonZero.milliCpu;
    usage.nonZeroRequested.memory += nonZero.memory;
    usage.podCount += 1;
  }
  return usage;
}

function allocatable(node: KubeObject): { milliCpu: number; memory: number; pods: number } {
  const values = node.status?.allocatable ?? node.status?.capacity ?? {};
  return { milliCpu: milliCores(values.cpu ?? '0'), memory: bytes(values.memory ?? '0'), pods: Number(values.pods ?? 110) };
}

/**
 * The default profile's filters in their real order (NodeUnschedulable, TaintToleration, NodeAffinity,
 * NodeResourcesFit); the first that fails decides, with kube-scheduler's own reason strings.
 */
export function filterNode(pod: KubeObject, node: KubeObject, usage: NodeUsage): FilterFailure | undefined {
  const tolerations = pod.spec?.tolerations as Toleration[] | undefined;
  if (node.spec?.unschedulable && !tolerates(tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return { reasons: ['node(s) were unschedulable'], resolvable: false };
  }
  const untolerated = effectiveTaints(node).find((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerates(tolerations, taint));
  if (untolerated) return { reasons: [`node(s) had untolerated taint {${untolerated.key}: ${untolerated.value ?? ''}}`], resolvable: false };
  if (!matchesNodeAffinity(pod, node)) return { reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false };
  const capacity = allocatable(node);
  const wanted = podRequests(pod);
  const reasons: string[] = [];
  if (usage.podCount + 1 > capacity.pods) reasons.push('Too many pods');
  if (wanted.milliCpu > 0 && usage.requested.milliCpu + wanted.milliCpu > capacity.milliCpu) reasons.push('Insufficient cpu');
  if (wanted.memory > 0 && usage.requested.memory + wanted.memory > capacity.memory) reasons.push('Insufficient memory');
  return reasons.length ? { reasons, resolvable: true } : undefined;
}

const MAX_NODE_SCORE = 100;

/**
 * NodeResourcesFit (LeastAllocated) plus NodeResourcesBalancedAllocation, both weight 1 in the default profile,
 * computed on the non-zero requests including the incoming pod.
 */
export function scoreNode(pod: KubeObject, node: KubeObject, usage: NodeUsage): number {
  const capacity = allocatable(node);
  const incoming = nonZeroPodRequests(pod);
  const cpu = usage.nonZeroRequested.milliCpu + incoming.milliCpu;
  const memory = usage.nonZeroRequested.memory + incoming.memory;
  const free = (requested: number, total: number) => (total === 0 || requested > total ? 0 : Math.floor(((total - requested) * MAX_NODE_SCORE) / total));
  const leastAllocated = Math.floor((free(cpu, capacity.milliCpu) + free(memory, capacity.memory)) / 2);
  const fractions = [Math.min(1, cpu / capacity.milliCpu || 0), Math.min(1, memory / capacity.memory || 0)];
  const mean = (fractions[0] + fractions[1]) / 2;
  const deviation = Math.sqrt(((fractions[0] - mean) ** 2 + (fractions[1] - mean) ** 2) / 2);
  const balanced = Math.floor((1 - deviation) * MAX_NODE_SCORE);
  return leastAllocated + balanced;
}

/** Histogram "N reason" entries sorted as Go's sort.Strings sorts them (FitError.Error in framework/types.go). */
function histogram(counts: Map<string, number>): string {
  return [...counts].map(([reason, count]) => `${count} ${reason}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(', ');
}

/**
 * The FailedScheduling message of kube-scheduler 1.34: the filter histogram, the DynamicResources post-filter note,
 * and the DefaultPreemption verdict per node (no lower-priority victims exist in the lab, so a resolvable failure
 * reads "No preemption victims found for incoming pod").
 */
export function unschedulableMessage(nodeCount: number, failures: FilterFailure[]): string {
  if (nodeCount === 0) return 'no nodes available to schedule pods';
  const filterCounts = new Map<string, number>();
  const preemptionCounts = new Map<string, number>();
  for (const failure of failures) {
    for (const reason of failure.reasons) filterCounts.set(reason, (filterCounts.get(reason) ?? 0) + 1);
    const verdict = failure.resolvable ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling';
    preemptionCounts.set(verdict, (preemptionCounts.get(verdict) ?? 0) + 1);
  }
  return `0/${nodeCount} nodes are available: ${histogram(filterCounts)}. no new claims to deallocate, preemption: 0/${nodeCount} nodes are available: ${histogram(preemptionCounts)}.`;
}
