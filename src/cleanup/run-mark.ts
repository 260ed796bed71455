import type { V1Node, V1Pod } from '@kubernetes/client-node';

/**
 * How a resource shows which run created it, the only licence cleanup has to remove it: the container's suite tag and
 * `(run <id>; pid … on …, started …)` in its description, the pod's run label, a Node at the address of the run's
 * container. The owner's pid, host and start time say whether that run is still going (src/cleanup/run-liveness.ts).
 */
export const SUITE_TAG = 'k3s-acceptance';
export const RUN_LABEL = 'k3s-acceptance/run';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** Who is making a resource: a run of the suite, in one process on one machine. */
export interface RunOwner {
  runId: string;
  pid?: number;
  host?: string;
  startedAt?: string;
}

export function containerDescription(hostname: string, owner: RunOwner): string {
  return `k3s worker ${hostname}, created by the k3s acceptance suite (run ${owner.runId}; pid ${owner.pid} on ${owner.host}, started ${owner.startedAt})`;
}

/** The run a container's description names (older descriptions carry the run id alone). */
export function containerOwner(config: Record<string, unknown>): RunOwner | undefined {
  if (!String(config.tags ?? '').split(/[;, ]/).includes(SUITE_TAG)) return undefined;
  const match = /\(run ([0-9a-f]+)(?:; pid (\d+) on (\S+), started ([^)]+))?\)/.exec(String(config.description ?? ''));
  if (!match) return undefined;
  return { runId: match[1], pid: match[2] ? Number(match[2]) : undefined, host: match[3], startedAt: match[4] };
}

export function containerCarriesMark(config: Record<string, unknown>, runId: string): boolean {
  return containerOwner(config)?.runId === runId;
}

/** The labels every pod of the run carries. */
export function podMarkLabels(runId: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: 'k3s-acceptance', [RUN_LABEL]: runId };
}

export function podCarriesMark(pod: V1Pod, runId: string): boolean {
  return pod.metadata?.labels?.[RUN_LABEL] === runId;
}

export function nodeAt(node: V1Node, ip: string): boolean {
  return node.status?.addresses?.some((address) => address.type === 'InternalIP' && address.address === ip) ?? false;
}

export function describeOwner(owner: RunOwner): string {
  return owner.pid ? `run ${owner.runId} (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt})` : `run ${owner.runId}`;
}
