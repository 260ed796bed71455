import type { ImageRegistry } from '../../registry/image-registry';
import type { ApiThrottle, ThrottleCode } from '../apiserver/api-throttle';
import type { MasterKubelet } from './master-kubelet';

/** Lab hooks that make the server misbehave as a real k3s server can. Each is inert until armed. */
export interface K3sFaults {
  /**
   * The next `count` API requests from anyone but the cluster's nodes are refused: 429 as API Priority and Fairness
   * rejects (plain text, `Retry-After: 1`) or 503 as a shutting-down apiserver answers (Status ServiceUnavailable
   * "apiserver is shutting down", `Retry-After: 1`). Watches count; health probes and supervisor paths do not.
   */
  throttle(code: ThrottleCode, count: number): void;
  /**
   * From now on every node's image pulls fail as containerd's do when registry DNS fails; cached images still start.
   * The registries are the lab's (shared by the guests' kubelets), not only this server's.
   */
  registryUnreachable(): void;
  /** The server's kubelet reports `pods: n` in capacity and allocatable, so a full node is "Too many pods". */
  maxPods(n: number): void;
  /** Disarms every fault above. */
  clear(): void;
}

export function serverFaults(throttle: ApiThrottle, kubelet: MasterKubelet, registry: ImageRegistry): K3sFaults {
  return {
    throttle: (code, count) => throttle.arm(code, count),
    registryUnreachable: () => registry.setReachable(false),
    maxPods: (n) => kubelet.setMaxPods(n),
    clear() {
      throttle.clear();
      registry.setReachable(true);
      kubelet.setMaxPods(undefined);
    },
  };
}
