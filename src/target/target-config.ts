import { readFileSync } from 'node:fs';
import { ConfigurationError, InputProblem } from '../errors';
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
  k3s: { url?: URL; token: string };
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
    k3s: { url: k3sUrl, token: k3sToken },
    kubeconfigPath,
    keepOnFailure: isSet(env.SUITE_KEEP_ON_FAILURE),
    reinstall: isSet(env.SUITE_REINSTALL),
  };
}

function isSet(value: string | undefined): boolean {
  return /^(1|true|yes)$/i.test(value?.trim() ?? '');
}
