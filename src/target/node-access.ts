import { ConfigurationError } from '../errors';
import type { ProxmoxNodeClient } from '../proxmox/proxmox-node-client';
import { SshSession } from '../ssh/ssh-session';
import type { RunServices } from './target';
import { sshNodeVariable, type ProxmoxConfig } from './target-config';

/** One node of the Proxmox cluster: its API, and its root shell, checked to be that node before any command. */
export interface NodeAccess {
  name: string;
  proxmox: ProxmoxNodeClient;
  host(): Promise<SshSession>;
}

/**
 * The nodes of the cluster the run may work on. A node's root shell is the one its own variables name
 * (PROXMOX_VE_SSH_NODE_<NAME>_ADDRESS, _PORT, _HOST_KEY_FINGERPRINT, as the Terraform provider's per-node `ssh { node
 * { … } }` blocks), or else the default PROXMOX_VE_SSH_ADDRESS; either way `hostname` must answer the node's name,
 * since `pct set 102` on the wrong node fails (or, worse, finds another node's container).
 */
export class ClusterNodes {
  private readonly nodes = new Map<string, { access: NodeAccess; session?: Promise<SshSession> }>();

  constructor(
    private readonly home: ProxmoxNodeClient,
    private readonly defaultHost: SshSession,
    private readonly config: ProxmoxConfig,
    private readonly services: RunServices,
  ) {}

  node(name: string): NodeAccess {
    let entry = this.nodes.get(name);
    if (!entry) {
      const created: { access: NodeAccess; session?: Promise<SshSession> } = {
        access: {
          name,
          proxmox: this.home.forNode(name),
          host: () => (created.session ??= this.openHost(name).catch((error) => {
            created.session = undefined;
            throw error;
          })),
        },
      };
      entry = created;
      this.nodes.set(name, entry);
    }
    return entry.access;
  }

  /** Which node the default PROXMOX_VE_SSH_ADDRESS reaches, by its own word. */
  async defaultHostName(): Promise<string> {
    return (await this.defaultHost.exec('hostname')).stdout.trim();
  }

  /** Whether the run can reach `name`'s root shell (its own variables, or the default SSH is that node). */
  async canReach(name: string): Promise<boolean> {
    return Boolean(this.config.ssh.nodes[name]) || (await this.defaultHostName()) === name;
  }

  private async openHost(name: string): Promise<SshSession> {
    const own = this.config.ssh.nodes[name];
    const session = own
      ? await SshSession.open(
          {
            label: `Proxmox host ${name}`,
            host: own.host,
            port: own.port,
            username: this.config.ssh.username,
            privateKey: this.config.ssh.privateKey,
            hostKeyFingerprint: own.hostKeyFingerprint,
            system: 'proxmox-host',
          },
          { changes: this.services.changes },
        )
      : this.defaultHost;
    const answered = (await session.exec('hostname')).stdout.trim();
    if (answered === name) return session;
    if (own) session.close();
    const variable = sshNodeVariable(name);
    throw new ConfigurationError([{
      input: own ? `${variable}_ADDRESS "${own.host}:${own.port}"` : `PROXMOX_VE_SSH_ADDRESS "${this.config.ssh.host}:${this.config.ssh.port}"`,
      problem: `reaches the Proxmox host "${answered}", not node ${name}, where the run works; no root command was run there`,
      fix: own
        ? `point ${variable}_ADDRESS, _PORT and _HOST_KEY_FINGERPRINT at node ${name}'s own SSH`
        : `set ${variable}_ADDRESS, ${variable}_PORT and ${variable}_HOST_KEY_FINGERPRINT for node ${name}'s SSH, or PROXMOX_VE_NODE=${answered} to work on the node the default SSH reaches`,
    }]);
  }

  close(): void {
    for (const entry of this.nodes.values()) {
      void entry.session?.then((session) => session !== this.defaultHost && session.close(), () => undefined);
    }
  }
}
