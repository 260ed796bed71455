import type { ChangeLog } from '../changes/change';

import type { ClusterClient } from '../kube/cluster-client';
import type { ProxmoxNodeClient } from '../proxmox/proxmox-node-client';
import type { SecretRegistry } from '../secrets/secret-registry';
import type { SshSession } from '../ssh/ssh-session';
import type { Waits } from '../waiting/waits';
import { ClusterNodes, type NodeAccess } from './node-access';
import type { TargetConfig } from './target-config';

/** What a target's clients get from the run: where writes are recorded, how long a wait may take, where secrets go. */
export interface RunServices {
  changes: ChangeLog;
  waits: Waits;
  secrets: SecretRegistry;
}

/**
 * The connected systems a run provisions on: Proxmox (API and root shells) and the k3s cluster's API. `proxmox` is
 * the API as the endpoint's node answers it (cluster-wide reads); `node(name)` is one node's API and root shell.
 * Closing it ends the root SSH sessions; the API clients hold no connection a finished run would wait for.
 */
export class Target implements AsyncDisposable {
  readonly nodes: ClusterNodes;

  constructor(
    readonly config: TargetConfig,
    readonly proxmox: ProxmoxNodeClient,
    /** The default PROXMOX_VE_SSH_ADDRESS session: a node's root shell, whichever node that is. */
    readonly proxmoxHost: SshSession,
    readonly cluster: ClusterClient,
    /** 'lab' or 'real', for the report's environment. */
    readonly kind: string,
    readonly services: RunServices,
  ) {
    this.nodes = new ClusterNodes(proxmox, proxmoxHost, config, services);
  }

  node(name: string): NodeAccess {
    return this.nodes.node(name);
  }

  /** The node a container is on, wherever in the cluster; undefined when there is no container at that VMID. */
  async nodeOf(vmid: number): Promise<NodeAccess | undefined> {
    const location = await this.proxmox.locate(vmid);
    return location?.type === 'lxc' ? this.node(location.node) : undefined;
  }

  close(): void {
    this.nodes.close();
    this.proxmoxHost.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
