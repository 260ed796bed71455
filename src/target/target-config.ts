import { readFileSync } from 'node:fs';
import { ConfigurationError, InputProblem } from '../errors';
import type { InstallSource, WorkerProxy } from '../k3s/install-source';
import { parseK3sVersion } from '../k3s/version-skew';
import type { SecretRegistry } from '../secrets/secret-registry';

/**
 * Where the suite points: a Proxmox VE node (API + root SSH) and a k3s cluster (join token + kubeconfig). Read from
 * environment variables named as their ecosystems name them (the Proxmox Terraform provider's PROXMOX_VE_*,
 * k3s's K3S_*, kubectl's KUBECONFIG), so an operator's existing shell setup works unchanged.
 */
export interface TargetConfig {
  proxmox: {
    endpoint: URL;
    tokenId: string;
    tokenSecret: string;
    /** Node name; undefined = the only (or first online) node the API lists. */
    node?: string;
    /** Pinned SHA-256 certificate fingerprint ('AA:BB:..'), or a CA bundle, or neither (system trust store). */
    tlsFingerprint?: string;
    caPem?: string;
    ssh: { host: string; port: number; username: string; privateKey: string; hostKeyFingerprint: string };
  };
  worker: { privateKey: string };
  k3s: { url?: URL; token: string; install: InstallSource; proxy: WorkerProxy };
  /** undefined: running in the cluster, with the pod's ServiceAccount (KUBERNETES_SERVICE_HOST set, no KUBECONFIG). */
  kubeconfigPath?: string;
  keepOnFailure: boolean;
  /** SUITE_REINSTALL=1: an agent that differs from what the run would install is reinstalled, not refused. */
  reinstall: boolean;
}

export const TARGET_VARIABLES: Record<string, string> = {
  PROXMOX_VE_ENDPOINT: 'Proxmox API base URL, e.g. https://pve.example:8006/',
  PROXMOX_VE_API_TOKEN: 'API token USER@REALM!TOKENID=SECRET (needs VM.Allocate, Datastore.AllocateSpace, Datastore.AllocateTemplate, SDN.Use)',
  PROXMOX_VE_NODE: 'optional: node name (default: the only or first online node)',
  PROXMOX_VE_TLS_FINGERPRINT: 'optional: pinned SHA-256 fingerprint of the API certificate (for self-signed pve-ssl.pem)',
  PROXMOX_VE_CA_FILE: 'optional: CA bundle that signed the API certificate (e.g. a copy of /etc/pve/pve-root-ca.pem)',
  PROXMOX_VE_SSH_ADDRESS: 'optional: address of the node\'s SSH server (default: the endpoint\'s host)',
  PROXMOX_VE_SSH_PORT: 'optional: SSH port (default 22)',
  PROXMOX_VE_SSH_USERNAME: 'optional: SSH user (default root; pct needs root)',
  PROXMOX_VE_SSH_PRIVATE_KEY: 'private key for the node\'s root SSH (contents), or use PROXMOX_VE_SSH_PRIVATE_KEY_FILE',
  PROXMOX_VE_SSH_PRIVATE_KEY_FILE: 'path of that private key',
  PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT: 'the node\'s SSH host key fingerprint, SHA256:... (ssh-keyscan -t ed25519 HOST | ssh-keygen -lf -)',
  WORKER_SSH_PRIVATE_KEY_FILE: 'optional: key installed in the worker for root (default: the Proxmox SSH key)',
  K3S_URL: 'optional: https://SERVER:6443; must agree with the control plane the feature names',
  K3S_TOKEN: 'the cluster\'s node token (/var/lib/rancher/k3s/server/node-token), or use K3S_TOKEN_FILE',
  K3S_TOKEN_FILE: 'path of a file holding that token',
  INSTALL_K3S_VERSION: 'optional: the k3s release for the agent, e.g. v1.34.3+k3s1 (default: the server\'s own version)',
  INSTALL_K3S_CHANNEL: 'optional: a k3s channel (stable, latest, v1.34…) the agent\'s release is taken from instead',
  K3S_AIRGAP_DIR: 'optional: a directory with install.sh, k3s and optionally k3s-airgap-images-amd64.tar.zst and sha256sum-amd64.txt, for a worker without internet',
  WORKER_HTTP_PROXY: 'optional: http://PROXY:PORT the worker reaches the internet through (HTTP_PROXY for the installer and the agent)',
  WORKER_HTTPS_PROXY: 'optional: the same for https (HTTPS_PROXY; default WORKER_HTTP_PROXY)',
  WORKER_NO_PROXY: 'optional: what bypasses the proxy (NO_PROXY; default loopback, the worker\'s subnet, the control plane, 10.42.0.0/16, 10.43.0.0/16, .svc, .cluster.local)',
  KUBECONFIG: 'kubeconfig with rights to read nodes, events and to create/delete pods in default (in a pod: leave unset to use its ServiceAccount)',
  SUITE_KEEP_ON_FAILURE: 'optional: 1 keeps a half-built worker for inspection and prints how to remove it',
  SUITE_REINSTALL: 'optional: 1 reinstalls a joined worker whose agent differs from what the run would install (version, server or token) instead of refusing',
};

type Env = Record<string, string | undefined>;

/** Reads the profile's variables; every secret read is registered with `secrets` at once. */
export function loadTargetConfig(env: Env, secrets: SecretRegistry): TargetConfig {
  const problems: InputProblem[] = [];
  const problem = (input: string, text: string, fix: string) => problems.push({ input, problem: text, fix });
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problem(name, 'is not set', `set it: ${TARGET_VARIABLES[name]}`);
    return value ?? '';
  };
  const fileOrValue = (valueName: string, fileName: string): string => {
    const direct = env[valueName]?.trim();
    const path = env[fileName]?.trim();
    if (direct && path) problem(`${valueName} and ${fileName}`, 'are both set', 'set only one of them');
    if (direct) return direct;
    if (!path) {
      problem(valueName, 'is not set', `set it or ${fileName}: ${TARGET_VARIABLES[valueName]}`);
      return '';
    }
    return readVariableFile(fileName, path)?.trim() ?? '';
  };
  const readVariableFile = (name: string, path: string): string | undefined => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      problem(`${name} "${path}"`, `cannot be read (${(error as NodeJS.ErrnoException).code})`, 'point it at a readable file');
      return undefined;
    }
  };
  const httpsUrl = (name: string, text: string, example: string): URL | undefined => {
    try {
      const url = new URL(text);
      if (url.protocol === 'https:') return url;
      problem(`${name} "${text}"`, 'is not https', `write it like ${example}`);
    } catch {
      problem(`${name} "${text}"`, 'is not a URL', `write it like ${example}`);
    }
    return undefined;
  };

  const endpointText = required('PROXMOX_VE_ENDPOINT');
  const endpoint = endpointText ? httpsUrl('PROXMOX_VE_ENDPOINT', endpointText, 'https://pve.example:8006/') : undefined;

  const token = required('PROXMOX_VE_API_TOKEN');
  secrets.register(token);
  const tokenMatch = /^([^@!=\s]+@[^@!=\s]+![A-Za-z][A-Za-z0-9._-]*)=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(token);
  if (token && !tokenMatch) {
    problem('PROXMOX_VE_API_TOKEN', 'is not of the form USER@REALM!TOKENID=SECRET with a lower-case UUID secret', 'copy it as Datacenter > Permissions > API Tokens shows it, e.g. root@pam!ci=0f1e…');
  }
  secrets.register(tokenMatch?.[2]);

  const tlsFingerprint = env.PROXMOX_VE_TLS_FINGERPRINT?.trim().toUpperCase() || undefined;
  if (tlsFingerprint && !/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(tlsFingerprint)) {
    problem('PROXMOX_VE_TLS_FINGERPRINT', 'is not a SHA-256 fingerprint (32 colon-separated hex pairs)', 'copy it from `openssl x509 -noout -fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem`');
  }
  const caFile = env.PROXMOX_VE_CA_FILE?.trim();
  const caPem = caFile ? readVariableFile('PROXMOX_VE_CA_FILE', caFile) : undefined;

  const sshPortText = env.PROXMOX_VE_SSH_PORT?.trim() || '22';
  const sshPort = Number(sshPortText);
  if (!(/^\d+$/.test(sshPortText) && sshPort >= 1 && sshPort <= 65535)) problem(`PROXMOX_VE_SSH_PORT "${sshPortText}"`, 'is not a port number', 'write e.g. 22');
  const sshKey = fileOrValue('PROXMOX_VE_SSH_PRIVATE_KEY', 'PROXMOX_VE_SSH_PRIVATE_KEY_FILE');
  secrets.register(sshKey);
  const hostKeyFingerprint = required('PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT');
  if (hostKeyFingerprint && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(hostKeyFingerprint)) {
    problem('PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', 'is not an OpenSSH SHA256 fingerprint', 'copy it from `ssh-keyscan -t ed25519 HOST | ssh-keygen -lf -`, e.g. SHA256:abc…');
  }

  const workerKeyFile = env.WORKER_SSH_PRIVATE_KEY_FILE?.trim();
  const workerKey = workerKeyFile ? readVariableFile('WORKER_SSH_PRIVATE_KEY_FILE', workerKeyFile) : sshKey;
  secrets.register(workerKey);

  // Same rule as k3s install.sh: "Only https:// URLs are supported for K3S_URL".
  const k3sUrlText = env.K3S_URL?.trim();
  const k3sUrl = k3sUrlText ? httpsUrl('K3S_URL', k3sUrlText, 'https://SERVER:6443') : undefined;
  const k3sToken = fileOrValue('K3S_TOKEN', 'K3S_TOKEN_FILE');
  secrets.register(k3sToken);
  // A secure token's password part may be printed on its own by tools; mask it separately.
  secrets.register(/::[^:]+:(.+)$/.exec(k3sToken)?.[1]);

  const install = installSource(env, problem);
  const proxy = workerProxy(env, problem);

  // In a pod (the nightly CronJob) the ServiceAccount is the credential, as client-go's in-cluster config does it.
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST?.trim()) && !env.KUBECONFIG?.trim();
  const kubeconfigPath = inCluster ? undefined : required('KUBECONFIG');

  if (problems.length) throw new ConfigurationError(problems);
  return {
    proxmox: {
      endpoint: endpoint!,
      tokenId: tokenMatch![1],
      tokenSecret: tokenMatch![2],
      node: env.PROXMOX_VE_NODE?.trim() || undefined,
      tlsFingerprint,
      caPem,
      ssh: {
        host: env.PROXMOX_VE_SSH_ADDRESS?.trim() || endpoint!.hostname,
        port: sshPort,
        username: env.PROXMOX_VE_SSH_USERNAME?.trim() || 'root',
        privateKey: sshKey,
        hostKeyFingerprint,
      },
    },
    worker: { privateKey: workerKey! },
    k3s: { url: k3sUrl, token: k3sToken, install, proxy },
    kubeconfigPath,
    keepOnFailure: isSet(env.SUITE_KEEP_ON_FAILURE),
    reinstall: isSet(env.SUITE_REINSTALL),
  };
}

function isSet(value: string | undefined): boolean {
  return /^(1|true|yes)$/i.test(value?.trim() ?? '');
}

type Problem = (input: string, text: string, fix: string) => void;

/** INSTALL_K3S_VERSION, INSTALL_K3S_CHANNEL and K3S_AIRGAP_DIR, of which at most one says where k3s comes from. */
function installSource(env: Env, problem: Problem): InstallSource {
  const version = env.INSTALL_K3S_VERSION?.trim() || undefined;
  const channel = env.INSTALL_K3S_CHANNEL?.trim() || undefined;
  const airgapDir = env.K3S_AIRGAP_DIR?.trim() || undefined;
  if (version && !parseK3sVersion(version)) problem(`INSTALL_K3S_VERSION "${version}"`, 'is not a k3s release', 'write it as k3s names its releases, e.g. v1.34.3+k3s1');
  if (channel && !/^[a-z0-9.+-]+$/i.test(channel)) problem(`INSTALL_K3S_CHANNEL "${channel}"`, 'is not a channel name', 'write e.g. stable, latest or v1.34');
  const chosen = [version && 'INSTALL_K3S_VERSION', channel && 'INSTALL_K3S_CHANNEL', airgapDir && 'K3S_AIRGAP_DIR'].filter(Boolean);
  if (chosen.length > 1) problem(chosen.join(' and '), 'each choose where the agent\'s k3s comes from', 'set only one of them (or none: the agent gets the server\'s version)');
  return { version, channel, airgapDir };
}

function workerProxy(env: Env, problem: Problem): WorkerProxy {
  const url = (name: string): string | undefined => {
    const value = env[name]?.trim() || undefined;
    if (!value) return undefined;
    try {
      if (/^https?:$/.test(new URL(value).protocol)) return value;
    } catch {
      // reported below
    }
    problem(`${name} "${value}"`, 'is not an http:// or https:// proxy URL', 'write it like http://192.168.2.5:3128');
    return undefined;
  };
  const http = url('WORKER_HTTP_PROXY');
  return { http, https: url('WORKER_HTTPS_PROXY') ?? http, noProxy: env.WORKER_NO_PROXY?.trim() || undefined };
}
