import type { HostKernel } from '../contracts/host-kernel';
import type { ContainerRuntime } from '../contracts/container-runtime';
import type { VirtualNetwork } from '../net/virtual-network';
import type { LabTiming } from '../timing';
import type { ConfigLocks } from './guests/config-lock';
import type { ContainerStore } from './guests/container-store';
import type { FaultPlan } from './faults';
import type { NodeStorage } from './node/storage';
import type { TaskRegistry } from './node/tasks';

/** What the API routes, the host shell and pct share: one node's state. */
export interface NodeContext {
  nodeName: string;
  hostIp: string;
  network: VirtualNetwork;
  timing: LabTiming;
  runtime: ContainerRuntime;
  store: ContainerStore;
  tasks: TaskRegistry;
  /** The per-CT config flocks every change takes. */
  locks: ConfigLocks;
  faults: FaultPlan;
  storage: NodeStorage;
  /** When each running CT was started (epoch ms), for uptime. */
  startedAt: Map<number, number>;
  /** The node's kernel settings, shared by its containers (sysctl). */
  kernel: HostKernel;
  /** Counts a mutating call (API write or host command that changes state). */
  countWrite(): void;
}
