import { ClusterClient } from '../src/kube/cluster-client';
import { Target } from '../src/provisioning/target';
import { ProxmoxNodeClient } from '../src/proxmox/proxmox-node-client';
import { SshSession } from '../src/ssh/ssh-session';
import { loadTargetConfig } from '../src/target/target-config';

/** Connects to the systems the environment names: the only place that turns variables into clients. */
export async function openTarget(env: Record<string, string | undefined>, kind: string): Promise<Target> {
  const config = loadTargetConfig(env);
  const proxmox = await ProxmoxNodeClient.connect(
    { endpoint: config.proxmox.endpoint, tokenId: config.proxmox.tokenId, tokenSecret: config.proxmox.tokenSecret, fingerprint: config.proxmox.tlsFingerprint, caPem: config.proxmox.caPem },
    config.proxmox.node,
  );
  const proxmoxHost = await SshSession.open({
    label: `Proxmox host ${proxmox.node}`,
    host: config.proxmox.ssh.host,
    port: config.proxmox.ssh.port,
    username: config.proxmox.ssh.username,
    privateKey: config.proxmox.ssh.privateKey,
    hostKeyFingerprint: config.proxmox.ssh.hostKeyFingerprint,
  });
  const cluster = ClusterClient.fromFile(config.kubeconfigPath);
  return { config, proxmox, proxmoxHost, cluster, kind };
}
