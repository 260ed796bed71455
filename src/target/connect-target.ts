import { InputProblem } from '../errors';
import { ClusterClient, kubernetesErrorMessage } from '../kube/cluster-client';
import { ProxmoxNodeClient } from '../proxmox/proxmox-node-client';
import { SshSession } from '../ssh/ssh-session';
import { RunServices, Target } from './target';
import type { TargetConfig } from './target-config';

/**
 * Connects to the three endpoints a run needs, all at once, and turns each refusal into an input problem that names
 * the variable to fix: the Proxmox API (TLS pin, token), the Proxmox host's root SSH (host key, key), the
 * Kubernetes API (kubeconfig, and the right to list nodes). Only reads: nothing is created.
 */
export async function connectTarget(config: TargetConfig, kind: string, services: RunServices): Promise<{ target?: Target; problems: InputProblem[] }> {
  const { changes, waits, secrets } = services;
  const connection = { endpoint: config.proxmox.endpoint, tokenId: config.proxmox.tokenId, tokenSecret: config.proxmox.tokenSecret, fingerprint: config.proxmox.tlsFingerprint, caPem: config.proxmox.caPem };
  const [proxmox, proxmoxHost, cluster] = await Promise.allSettled([
    ProxmoxNodeClient.connect(connection, config.proxmox.node, { changes, requestTimeoutMs: () => waits.timeout('proxmox-request') }),
    SshSession.open(
      {
        label: 'Proxmox host',
        host: config.proxmox.ssh.host,
        port: config.proxmox.ssh.port,
        username: config.proxmox.ssh.username,
        privateKey: config.proxmox.ssh.privateKey,
        hostKeyFingerprint: config.proxmox.ssh.hostKeyFingerprint,
        system: 'proxmox-host',
      },
      { changes },
    ),
    readableCluster(config.kubeconfigPath, { changes, secrets }),
  ]);
  const problems: InputProblem[] = [];
  if (proxmox.status === 'rejected') problems.push(proxmoxProblem(config, proxmox.reason));
  if (proxmoxHost.status === 'rejected') problems.push(sshProblem(config, proxmoxHost.reason));
  if (cluster.status === 'rejected') {
    problems.push(
      config.kubeconfigPath
        ? { input: `KUBECONFIG "${config.kubeconfigPath}"`, problem: (cluster.reason as Error).message, fix: 'point it at this cluster\'s kubeconfig (/etc/rancher/k3s/k3s.yaml on the server, with its server address reachable from here)' }
        : { input: 'the pod\'s ServiceAccount (in-cluster config)', problem: (cluster.reason as Error).message, fix: 'bind it the ClusterRole in deploy/nightly-cronjob.yaml, or set KUBECONFIG' },
    );
  }
  if (problems.length || proxmox.status !== 'fulfilled' || proxmoxHost.status !== 'fulfilled' || cluster.status !== 'fulfilled') {
    if (proxmoxHost.status === 'fulfilled') proxmoxHost.value.close();
    return { problems };
  }
  return { problems, target: new Target(config, proxmox.value, proxmoxHost.value, cluster.value, kind, services) };
}

/** Loads the kubeconfig and lists one node: the API answers, the credentials work, and reading nodes is allowed. */
async function readableCluster(path: string | undefined, options: { changes: RunServices['changes']; secrets: RunServices['secrets'] }): Promise<ClusterClient> {
  const cluster = path ? ClusterClient.fromFile(path, options) : ClusterClient.inCluster(options);
  try {
    await cluster.core.listNode({ limit: 1 });
  } catch (error) {
    throw new Error(`the Kubernetes API at ${cluster.server} refused to list nodes: ${kubernetesErrorMessage(error)}`);
  }
  return cluster;
}

function proxmoxProblem(config: TargetConfig, error: Error): InputProblem {
  const message = error.message;
  if (/fingerprint/.test(message)) return { input: 'PROXMOX_VE_TLS_FINGERPRINT', problem: message, fix: 'compare it with the node\'s certificate before trusting a new one' };
  if (/\b401\b/.test(message)) return { input: 'PROXMOX_VE_API_TOKEN', problem: message, fix: 'copy the token id and secret again from Datacenter > Permissions > API Tokens' };
  if (/PROXMOX_VE_NODE/.test(message)) return { input: 'PROXMOX_VE_NODE', problem: message, fix: 'name one of the listed nodes, or leave it unset' };
  if (/self-signed|certificate|CERT|unable to verify/i.test(message)) return { input: `PROXMOX_VE_ENDPOINT "${config.proxmox.endpoint.href}"`, problem: message, fix: 'pin the certificate with PROXMOX_VE_TLS_FINGERPRINT or give its CA in PROXMOX_VE_CA_FILE' };
  return { input: `PROXMOX_VE_ENDPOINT "${config.proxmox.endpoint.href}"`, problem: message, fix: 'check the address and port, and that pveproxy runs on the node (`systemctl status pveproxy`)' };
}

function sshProblem(config: TargetConfig, error: Error): InputProblem {
  const message = error.message;
  if (/host key/.test(message)) return { input: 'PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', problem: message, fix: 'compare with `ssh-keyscan -t ed25519 HOST | ssh-keygen -lf -` run on a trusted path before updating it' };
  if (/authentication|All configured authentication methods failed/i.test(message)) return { input: 'PROXMOX_VE_SSH_PRIVATE_KEY', problem: message, fix: 'add its public key to /root/.ssh/authorized_keys on the node' };
  return { input: `PROXMOX_VE_SSH_ADDRESS "${config.proxmox.ssh.host}:${config.proxmox.ssh.port}"`, problem: message, fix: 'check the address and port, and that sshd runs on the node' };
}
