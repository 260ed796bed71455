import { InputProblem } from '../errors';
import { ClusterClient, kubernetesErrorMessage } from '../kube/cluster-client';
import { ProxmoxNodeClient } from '../proxmox/proxmox-node-client';
import { SshSession } from '../ssh/ssh-session';
import { ProxmoxAccess, RunServices, Target } from './target';
import type { ProxmoxConfig, TargetConfig } from './target-config';

/**
 * Connects to the endpoints a run needs, all at once, and turns each refusal into an input problem that names the
 * variable to fix: the Kubernetes API (kubeconfig, and the right to list nodes) always; the Proxmox API (TLS pin,
 * token) and the Proxmox host's root SSH (host key, key) when the environment gives them. Only reads: nothing is
 * created.
 */
export async function connectTarget(config: TargetConfig, kind: string, services: RunServices): Promise<{ target?: Target; problems: InputProblem[] }> {
  const { changes, secrets } = services;
  const [proxmox, cluster] = await Promise.all([
    config.build ? connectProxmox(config.build.proxmox, services) : Promise.resolve({ problems: [] as InputProblem[], access: undefined }),
    readableCluster(config.kubeconfigPath, { changes, secrets }).then(
      (client) => ({ client, problem: undefined }),
      (error: Error) => ({ client: undefined, problem: clusterProblem(config, error) }),
    ),
  ]);
  const problems = [...proxmox.problems, ...(cluster.problem ? [cluster.problem] : [])];
  if (problems.length || !cluster.client) {
    proxmox.access?.host.close();
    return { problems };
  }
  return { problems, target: new Target(config, proxmox.access, cluster.client, kind, services) };
}

/** The Proxmox API and the default root shell, both or neither. */
async function connectProxmox(config: ProxmoxConfig, services: RunServices): Promise<{ access?: ProxmoxAccess; problems: InputProblem[] }> {
  const { changes, waits } = services;
  const connection = { endpoint: config.endpoint, tokenId: config.tokenId, tokenSecret: config.tokenSecret, fingerprint: config.tlsFingerprint, caPem: config.caPem };
  const [api, host] = await Promise.allSettled([
    ProxmoxNodeClient.connect(connection, config.node, { changes, requestTimeoutMs: () => waits.timeout('proxmox-request') }),
    SshSession.open(
      {
        label: 'Proxmox host',
        host: config.ssh.host,
        port: config.ssh.port,
        username: config.ssh.username,
        privateKey: config.ssh.privateKey,
        hostKeyFingerprint: config.ssh.hostKeyFingerprint,
        system: 'proxmox-host',
      },
      { changes },
    ),
  ]);
  const problems: InputProblem[] = [];
  if (api.status === 'rejected') problems.push(proxmoxProblem(config, api.reason));
  if (host.status === 'rejected') problems.push(sshProblem(config, host.reason));
  if (api.status === 'fulfilled' && host.status === 'fulfilled') return { access: { api: api.value, host: host.value }, problems };
  if (host.status === 'fulfilled') host.value.close();
  return { problems };
}

function clusterProblem(config: TargetConfig, error: Error): InputProblem {
  return config.kubeconfigPath
    ? { input: `KUBECONFIG "${config.kubeconfigPath}"`, problem: error.message, fix: 'point it at this cluster\'s kubeconfig (/etc/rancher/k3s/k3s.yaml on the server, with its server address reachable from here)' }
    : { input: 'the pod\'s ServiceAccount (in-cluster config)', problem: error.message, fix: 'bind it the roles in deploy/nightly-cronjob.yaml, or set KUBECONFIG' };
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

function proxmoxProblem(config: ProxmoxConfig, error: Error): InputProblem {
  const message = error.message;
  if (/fingerprint/.test(message)) return { input: 'PROXMOX_VE_TLS_FINGERPRINT', problem: message, fix: 'compare it with the node\'s certificate before trusting a new one' };
  if (/\b401\b/.test(message)) return { input: 'PROXMOX_VE_API_TOKEN', problem: message, fix: 'copy the token id and secret again from Datacenter > Permissions > API Tokens' };
  if (/PROXMOX_VE_NODE/.test(message)) return { input: 'PROXMOX_VE_NODE', problem: message, fix: 'name one of the listed nodes, or leave it unset' };
  if (/self-signed|certificate|CERT|unable to verify/i.test(message)) return { input: `PROXMOX_VE_ENDPOINT "${config.endpoint.href}"`, problem: message, fix: 'pin the certificate with PROXMOX_VE_TLS_FINGERPRINT or give its CA in PROXMOX_VE_CA_FILE' };
  return { input: `PROXMOX_VE_ENDPOINT "${config.endpoint.href}"`, problem: message, fix: 'check the address and port, and that pveproxy runs on the node (`systemctl status pveproxy`)' };
}

function sshProblem(config: ProxmoxConfig, error: Error): InputProblem {
  const message = error.message;
  if (/host key/.test(message)) return { input: 'PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', problem: message, fix: 'compare with `ssh-keyscan -t ed25519 HOST | ssh-keygen -lf -` run on a trusted path before updating it' };
  if (/authentication|All configured authentication methods failed/i.test(message)) return { input: 'PROXMOX_VE_SSH_PRIVATE_KEY', problem: message, fix: 'add its public key to /root/.ssh/authorized_keys on the node' };
  return { input: `PROXMOX_VE_SSH_ADDRESS "${config.ssh.host}:${config.ssh.port}"`, problem: message, fix: 'check the address and port, and that sshd runs on the node' };
}
