import type { Command, IFileSystem } from 'just-bash';
import type { HostKernel } from '../contracts/host-kernel';
import type { VirtualNetwork } from '../net/virtual-network';
import type { LabTiming } from '../timing';
import type { UserConfig } from './access/user-config';
import type { ClusterMembers, VmlistEntry } from './cluster/cluster-members';
import type { NodeCapacity } from './cluster/node-capacity';
import type { ConfigLocks } from './guests/config-lock';
import type { ContainerStore } from './guests/container-store';
import type { NodeGuests } from './guests/node-guests';
import type { QemuVms } from './guests/qemu-vms';
import type { FaultPlan } from './faults';
import type { HostNetwork } from './node/host-network';
import type { NodeStorage } from './node/storage';
import type { TaskRegistry } from './node/tasks';

/** What the API routes, the host shell and pct share: one node's state, and the cluster it is in. */
export interface NodeContext {
  nodeName: string;
  hostIp: string;
  network: VirtualNetwork;
  timing: LabTiming;
  /** The node's containers: the shared runtime's, and residents (NodeGuests). */
  runtime: NodeGuests;
  store: ContainerStore;
  /** Its /etc/pve/qemu-server: QEMU VMs that were there before the lab (no QEMU is emulated). */
  qemu: QemuVms;
  tasks: TaskRegistry;
  /** The per-CT config flocks every change takes (local to the node, in /run/lock). */
  locks: ConfigLocks;
  faults: FaultPlan;
  storage: NodeStorage;
  /** Its /etc/network/interfaces: the bridges its containers can plug into. */
  interfaces: HostNetwork;
  /** When the node booted (epoch ms): up ten days when the lab starts. */
  bootedAt: number;
  /** When each running CT was started (epoch ms), for uptime. */
  startedAt: Map<number, number>;
  /** The node's kernel settings, shared by its containers (sysctl). */
  kernel: HostKernel;
  /** The node's size and load, as GET /nodes reports it. */
  capacity: NodeCapacity;
  /** The cluster's members and vmlist (a standalone node is alone in an unnamed one). */
  cluster: ClusterMembers;
  /** The cluster's user.cfg: users, tokens, ACLs. */
  users: UserConfig;
  /** SHA-256 of the certificate the node's API serves now ('AA:BB:...'). */
  sslFingerprint(): string;
  /** This node's guests, as the cluster's vmlist lists them. */
  guests(): VmlistEntry[];
  /** Counts a mutating call (API write or host command that changes state), cluster-wide. */
  countWrite(): void;
  /** Commands the lab adds to the root shell from outside this folder (curl, which the guests' lab owns). */
  extraHostCommands(fs: IFileSystem): Command[];
}
