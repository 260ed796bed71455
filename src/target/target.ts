import type { ChangeLog } from '../changes/change';

import type { ClusterClient } from '../kube/cluster-client';
import type { ProxmoxNodeClient } from '../proxmox/proxmox-node-client';
import type { SecretRegistry } from '../secrets/secret-registry';
import type { SshSession } from '../ssh/ssh-session';
import type { Waits } from '../waiting/waits';
import type { TargetConfig } from './target-config';

/** What a target's clients get from the run: where writes are recorded, how long a wait may take, where secrets go. */
export interface RunServices {
  changes: ChangeLog;
  waits: Waits;
  secrets: SecretRegistry;
}

/**
 * The connected systems a run provisions on: Proxmox (API and root shell) and the k3s cluster's API. Closing it ends
 * the root SSH session; the API clients hold no connection a finished run would wait for.
 */
export class Target implements AsyncDisposable {
  constructor(
    readonly config: TargetConfig,
    readonly proxmox: ProxmoxNodeClient,
    readonly proxmoxHost: SshSession,
    readonly cluster: ClusterClient,
    /** 'lab' or 'real', for the report's environment. */
    readonly kind: string,
    readonly services: RunServices,
  ) {}

  close(): void {
    this.proxmoxHost.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
