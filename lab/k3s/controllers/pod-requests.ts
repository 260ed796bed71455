import type { KubeObject } from '../../contracts/kube-object';
import { bytes, milliCores } from '../apiserver/quantities';

export interface Requests {
  milliCpu: number;
  memory: number;
}

interface ContainerSpec {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

// A container without a request asks for its limit (API defaulting copies limits into requests).
function containerRequests(container: ContainerSpec): Requests {
  const requests = { ...container.resources?.limits, ...container.resources?.requests };
  return { milliCpu: milliCores(requests.cpu), memory: bytes(requests.memory) };
}

/** What the scheduler's NodeResourcesFit filter counts: sum of containers, at least the largest init container. */
export function podRequests(pod: KubeObject): Requests {
  const sum = (pod.spec?.containers ?? []).map(containerRequests).reduce(
    (total: Requests, next: Requests) => ({ milliCpu: total.milliCpu + next.milliCpu, memory: total.memory + next.memory }),
    { milliCpu: 0, memory: 0 },
  );
  for (const init of (pod.spec?.initContainers ?? []).map(containerRequests)) {
    sum.milliCpu = Math.max(sum.milliCpu, init.milliCpu);
    sum.memory = Math.max(sum.memory, init.memory);
  }
  return sum;
}

// kube-scheduler's scoring counts a container without requests as 100m / 200Mi (DefaultMilliCPURequest,
// DefaultMemoryRequest in pkg/scheduler/util), so empty pods still spread.
const DEFAULT_MILLI_CPU = 100;
const DEFAULT_MEMORY = 200 * 2 ** 20;

export function nonZeroPodRequests(pod: KubeObject): Requests {
  return (pod.spec?.containers ?? []).map(containerRequests).reduce(
    (total: Requests, next: Requests) => ({
      milliCpu: total.milliCpu + (next.milliCpu || DEFAULT_MILLI_CPU),
      memory: total.memory + (next.memory || DEFAULT_MEMORY),
    }),
    { milliCpu: 0, memory: 0 },
  );
}

/** Pods that still hold their node's resources: bound and not finished. */
export function holdsResources(pod: KubeObject, nodeName: string): boolean {
  return pod.spec?.nodeName === nodeName && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}
