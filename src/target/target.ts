import type { ChangeLog } from '../changes/change';
import { ConfigurationError } from '../errors';

import type { ClusterClient } from '../kube/cluster-client';
import type { ProxmoxNodeClient } from '../proxmox/proxmox-node-client';
import type { SecretRegistry } from '../secrets/secret-registry';
import type { SshSession } from '../ssh/ssh-session';
import type { Waits } from '../waiting/waits';
import { ClusterNodes, type NodeAccess } from './node-access';
import type { BuildInputs, TargetConfig } from './target-config';

/** What a target's clients get from the run: where writes are recorded, how long a wait may take, where secrets go. */
export interface RunServices {
  changes: ChangeLog;
  waits: Waits;
  secrets: SecretRegistry;
}

/** A connected Proxmox: the API as the endpoint's node answers it, and the default root shell. */
export interface ProxmoxAccess {
  api: ProxmoxNodeClient;
  /** The default PROXMOX_VE_SSH_ADDRESS session: a node's root shell, whichever node that is. */
  host: SshSession;
}

/**
 * The connected systems a run works on: the k3s cluster's API always, and Proxmox (API and root shells) when the
 * environment gave its credentials. `proxmox` is the API as the endpoint's node answers it (cluster-wide reads);
 * `node(name)` is one node's API and root shell. A run given no Proxmox credentials (the read-only nightly) gets an
 * input problem naming the variables the moment anything asks for Proxmox. Closing it ends the root SSH sessions;
 * the API clients hold no connection a finished run would wait for.
 */
export class Target implements AsyncDisposable {
  private readonly clusterNodes?: ClusterNodes;

  constructor(
    readonly config: TargetConfig,
    private readonly proxmoxAccess: ProxmoxAccess | undefined,
    readonly cluster: ClusterClient,
    /** 'lab' or 'real', for the report's environment. */
    readonly kind: string,
    readonly services: RunServices,
  ) {
    if (proxmoxAccess && config.build) this.clusterNodes = new ClusterNodes(proxmoxAccess.api, proxmoxAccess.host, config.build.proxmox, services);
  }

  /** Whether the run was given Proxmox and the token, so it can build (and remove) workers. */
  get canBuild(): boolean {
    return Boolean(this.proxmoxAccess && this.config.build);
  }

  /** What a build needs; a run without it is refused with the variables to set. */
  get build(): BuildInputs {
    if (!this.config.build) throw new ConfigurationError(this.config.missingForBuild);
    return this.config.build;
  }

  get proxmox(): ProxmoxNodeClient {
    return this.access().api;
  }

  get proxmoxHost(): SshSession {
    return this.access().host;
  }

  get nodes(): ClusterNodes {
    this.access();
    return this.clusterNodes!;
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
    this.clusterNodes?.close();
    this.proxmoxAccess?.host.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  private access(): ProxmoxAccess {
    if (!this.proxmoxAccess) throw new ConfigurationError(this.config.missingForBuild);
    return this.proxmoxAccess;
  }
}
