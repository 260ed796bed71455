import { ClusterClient } from '../kube/cluster-client';
import { ProxmoxNodeClient } from '../proxmox/proxmox-node-client';
import { SshSession } from '../ssh/ssh-session';
import { TargetConfig } from '../target/target-config';

/** The connected systems a run provisions on: Proxmox (API and root shell) and the k3s cluster's API. */
export interface Target {
  config: TargetConfig;
  proxmox: ProxmoxNodeClient;
  proxmoxHost: SshSession;
  cluster: ClusterClient;
  /** 'lab' or 'real', for the report's environment. */
  kind: string;
}
