import { randomInt } from 'node:crypto';
import type { NodeContext } from '../node-context';

export type GuestType = 'lxc' | 'qemu';

/** One guest in the cluster's vmlist (pmxcfs `.vmlist`): which node owns the VMID, and what kind of guest it is. */
export interface VmlistEntry {
  vmid: number;
  node: string;
  type: GuestType;
}

/**
 * What every node of a cluster reads alike from pmxcfs: the member nodes and the vmlist. A standalone node is a
 * "cluster" of one with no name (no corosync.conf), which some calls answer differently (GET /cluster/status).
 */
export class ClusterMembers {
  private readonly members = new Map<string, NodeContext>();

  /** `name` is the cluster's (corosync totem cluster_name); undefined for a node that is in no cluster. */
  constructor(readonly name?: string) {}

  join(node: NodeContext): void {
    this.members.set(node.nodeName, node);
  }

  /** The corosync nodeid: members are numbered from 1 in the order they joined. */
  nodeId(name: string): number {
    return [...this.members.keys()].indexOf(name) + 1;
  }

  node(name: string): NodeContext | undefined {
    return this.members.get(name);
  }

  /**
   * PVE::Cluster::get_nodelist returns `keys %$nodelist`: Perl's hash order, seeded per process, so each of
   * pveproxy's workers (and each call here) may list the nodes in another order.
   */
  nodes(): NodeContext[] {
    const list = [...this.members.values()];
    for (let i = list.length - 1; i > 0; i -= 1) {
      const j = randomInt(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  }

  /** The vmlist: every node's guests, each VMID once (pve-cluster keeps VMIDs unique across nodes). */
  vmlist(): VmlistEntry[] {
    return [...this.members.values()].flatMap((node) => node.guests());
  }

  locate(vmid: number): VmlistEntry | undefined {
    return this.vmlist().find((entry) => entry.vmid === vmid);
  }

  /** pve-cluster Cluster.pm check_vmid_unused: `CT 102 already exists on node 'pve1'` (`VM ...` for qemu). */
  vmidInUse(vmid: number): string | undefined {
    const entry = this.locate(vmid);
    if (!entry) return undefined;
    return `${entry.type === 'qemu' ? 'VM' : 'CT'} ${vmid} already exists on node '${entry.node}'`;
  }
}
