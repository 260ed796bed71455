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

const emptyUsage = (): NodeUsage => ({ requested: { milliCpu: 0, memory: 0 }, nonZeroRequested: { milliCpu: 0, memory: 0 }, podCount: 0 });

/** Adds a pod's requests to its node's usage (the scheduler's cache assumes a pod as soon as it binds it). */
export function addPodUsage(usage: NodeUsage, pod: KubeObject): void {
  const requests = podRequests(pod);
  const nonZero = nonZeroPodRequests(pod);
  usage.requested.milliCpu += requests.milliCpu;
  usage.requested.memory += requests.memory;
  usage.nonZeroRequested.milliCpu += nonZero.milliCpu;
  usage.nonZeroRequested.memory += nonZero.memory;
  usage.podCount += 1;
}

export function nodeUsage(node: KubeObject, pods: KubeObject[]): NodeUsage {
  const usage = emptyUsage();
  for (const pod of pods) if (holdsResources(pod, node.metadata.name)) addPodUsage(usage, pod);
  return usage;
}

/** Every node's usage from one pass over the pods. */
export function usageByNode(nodes: KubeObject[], pods: KubeObject[]): Map<string, NodeUsage> {
  const usage = new Map(nodes.map((node) => [node.metadata.name, emptyUsage()]));
  for (const pod of pods) {
    const node = pod.spec?.nodeName as string | undefined;
    const entry = node ? usage.get(node) : undefined;
    if (entry && holdsResources(pod, node!)) addPodUsage(entry, pod);
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
 * The score plugins of kube-scheduler 1.34's default profile and their weights (pkg/scheduler/apis/config/v1
 * default_plugins.go getDefaultPlugins): TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, PodTopologySpread 2,
 * InterPodAffinity 2, NodeResourcesBalancedAllocation 1, ImageLocality 1. The lab scores the four that matter for
 * its pods; NodeAffinity (no preferred terms), PodTopologySpread and InterPodAffinity (no constraints) give every
 * node the same score for them, so they cannot change the choice.
 */
export const SCORE_WEIGHTS = { TaintToleration: 3, NodeResourcesFit: 1, NodeResourcesBalancedAllocation: 1, ImageLocality: 1 };

/** What the whole cluster contributes to a node's score: the images each node holds (ImageLocality's spread). */
export interface ClusterImages {
  totalNodes: number;
  /** normalized image name -> its size and on how many nodes it is */
  states: Map<string, { size: number; numNodes: number }>;
}

export function clusterImages(nodes: KubeObject[]): ClusterImages {
  const states = new Map<string, { size: number; numNodes: number }>();
  for (const node of nodes) {
    for (const image of (node.status?.images ?? []) as Array<{ names?: string[]; sizeBytes?: number }>) {
      for (const name of image.names ?? []) {
        const state = states.get(name) ?? { size: image.sizeBytes ?? 0, numNodes: 0 };
        state.numNodes += 1;
        states.set(name, state);
      }
    }
  }
  return { totalNodes: nodes.length, states };
}

/** Per plugin, before weighting, for one node. */
export interface NodeScores {
  NodeResourcesFit: number;
  NodeResourcesBalancedAllocation: number;
  ImageLocality: number;
  /** Untolerated PreferNoSchedule taints: TaintToleration normalizes these across nodes (fewer is better). */
  intolerablePreferNoSchedule: number;
}

/**
 * NodeResourcesFit's LeastAllocated strategy (cpu and memory, weight 1 each) and NodeResourcesBalancedAllocation
 * (1 - the standard deviation of the cpu and memory fractions), both on the non-zero requests including the incoming
 * pod (noderesources/least_allocated.go, balanced_allocation.go), in integer arithmetic as Go does it.
 */
export function resourceScores(pod: KubeObject, node: KubeObject, usage: NodeUsage): Pick<NodeScores, 'NodeResourcesFit' | 'NodeResourcesBalancedAllocation'> {
  const capacity = allocatable(node);
  const incoming = nonZeroPodRequests(pod);
  const cpu = usage.nonZeroRequested.milliCpu + incoming.milliCpu;
  const memory = usage.nonZeroRequested.memory + incoming.memory;
  const free = (requested: number, total: number) => (total === 0 || requested > total ? 0 : Math.floor(((total - requested) * MAX_NODE_SCORE) / total));
  const leastAllocated = Math.floor((free(cpu, capacity.milliCpu) + free(memory, capacity.memory)) / 2);
  const fractions = [Math.min(1, cpu / capacity.milliCpu || 0), Math.min(1, memory / capacity.memory || 0)];
  const deviation = Math.abs(fractions[0] - fractions[1]) / 2;
  return { NodeResourcesFit: leastAllocated, NodeResourcesBalancedAllocation: Math.floor((1 - deviation) * MAX_NODE_SCORE) };
}

const MB = 1024 * 1024;

/**
 * ImageLocality (imagelocality/image_locality.go): the sizes of the pod's images the node already has, each scaled
 * by the share of nodes that have it, mapped from [23 MB, 1000 MB per container] onto 0..100. Images match by the
 * name in the pod spec (`:latest` added when untagged) against the names in node.status.images, which containerd
 * reports fully qualified: `nginx:alpine` does not match `docker.io/library/nginx:alpine` (the plugin's own TODO).
 */
export function imageLocalityScore(pod: KubeObject, images: ClusterImages): number {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])] as Array<{ image: string }>;
  let sum = 0;
  for (const { image } of containers) {
    const name = image.lastIndexOf(':') <= image.lastIndexOf('/') ? `${image}:latest` : image;
    const state = images.states.get(name);
    if (state && images.totalNodes > 0) sum += Math.floor(state.size * (state.numNodes / images.totalNodes));
  }
  const min = 23 * MB;
  const max = 1000 * MB * Math.max(1, containers.length);
  const clamped = Math.min(max, Math.max(min, sum));
  return Math.floor((MAX_NODE_SCORE * (clamped - min)) / (max - min));
}

/** The per-plugin scores of a feasible node; ImageLocality needs to know which nodes hold which images. */
export function scoreNode(pod: KubeObject, node: KubeObject, usage: NodeUsage, images: ClusterImages = { totalNodes: 0, states: new Map() }): NodeScores {
  const tolerations = pod.spec?.tolerations as Toleration[] | undefined;
  const intolerablePreferNoSchedule = ((node.spec?.taints ?? []) as Taint[])
    .filter((taint) => taint.effect === 'PreferNoSchedule' && !tolerates(tolerations, taint)).length;
  return { ...resourceScores(pod, node, usage), ImageLocality: imageLocalityScore(pod, images), intolerablePreferNoSchedule };
}

/**
 * The weighted sum the framework ranks nodes by (RunScorePlugins then the weights), after TaintToleration's
 * reverse normalization across the feasible nodes (DefaultNormalizeScore with reverse: the fewest untolerated
 * PreferNoSchedule taints get 100).
 */
export function totalScores(scores: NodeScores[]): number[] {
  const maxCount = Math.max(0, ...scores.map((s) => s.intolerablePreferNoSchedule));
  return scores.map((s) => {
    const taintToleration = maxCount === 0 ? MAX_NODE_SCORE : MAX_NODE_SCORE - Math.floor((MAX_NODE_SCORE * s.intolerablePreferNoSchedule) / maxCount);
    return SCORE_WEIGHTS.TaintToleration * taintToleration + SCORE_WEIGHTS.NodeResourcesFit * s.NodeResourcesFit
      + SCORE_WEIGHTS.NodeResourcesBalancedAllocation * s.NodeResourcesBalancedAllocation + SCORE_WEIGHTS.ImageLocality * s.ImageLocality;
  });
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
