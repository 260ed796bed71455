import { readFileSync } from 'node:fs';
import { ConfigurationError, InputProblem } from '../errors';
import type { InstallSource, WorkerProxy } from '../k3s/install-source';
import { parseK3sVersion } from '../k3s/version-skew';
import type { SecretRegistry } from '../secrets/secret-registry';

/**
 * A Proxmox VE node or cluster (API + root SSH). Read, like the rest of the target, from environment variables named
 * as their ecosystems name them (the Proxmox Terraform provider's PROXMOX_VE_*, k3s's K3S_*, kubectl's KUBECONFIG),
 * so an operator's existing shell setup works unchanged.
 */
export interface ProxmoxConfig {
  endpoint: URL;
  tokenId: string;
  tokenSecret: string;
  /** Node name; undefined = the only (or first online) node the API lists. */
  node?: string;
  /** Pinned SHA-256 certificate fingerprint ('AA:BB:..'), or a CA bundle, or neither (system trust store). */
  tlsFingerprint?: string;
  caPem?: string;
  ssh: {
    host: string;
    port: number;
    username: string;
    privateKey: string;
    hostKeyFingerprint: string;
    /** Per node: its own SSH (PROXMOX_VE_SSH_NODE_<NAME>_ADDRESS, _PORT, _HOST_KEY_FINGERPRINT). */
    nodes: Record<string, { host: string; port: number; hostKeyFingerprint: string }>;
  };
}

/** What building a worker needs beyond the cluster's API: the Proxmox API and root SSH, the worker's key, the token. */
export interface BuildInputs {
  proxmox: ProxmoxConfig;
  workerKey: string;
  k3sToken: string;
}

/**
 * Where the suite points. The Kubernetes part is always needed; the build part only by runs that build a worker, so
 * the read-only nightly runs with none of the Proxmox credentials, root SSH or the server token.
 */
export interface TargetConfig {
  /** undefined when the environment names none of it (PROXMOX_VE_*, K3S_TOKEN): the run can only read the cluster. */
  build?: BuildInputs;
  /** Why `build` is undefined: each variable a build needs, as the problem a build-mode preflight reports. */
  missingForBuild: InputProblem[];
  k3s: { url?: URL; install: InstallSource; proxy: WorkerProxy };
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
  'PROXMOX_VE_SSH_NODE_<NAME>_ADDRESS': 'optional, per node of a cluster: that node\'s SSH address (with _PORT and _HOST_KEY_FINGERPRINT; NAME upper-cased, - as _)',
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
  KUBECONFIG: 'kubeconfig whose user has the rights of the run\'s profile (README, "Kubernetes permissions"; in a pod: leave unset to use its ServiceAccount)',
  SUITE_KEEP_ON_FAILURE: 'optional: 1 keeps a half-built worker for inspection and prints how to remove it',
  SUITE_REINSTALL: 'optional: 1 reinstalls a joined worker whose agent differs from what the run would install (version, server or token) instead of refusing',
};

type Env = Record<string, string | undefined>;

/** The variables that say a run may build: with any of them set, all that a build needs must be right. */
const BUILD_VARIABLES = [
  'PROXMOX_VE_ENDPOINT', 'PROXMOX_VE_API_TOKEN', 'PROXMOX_VE_SSH_PRIVATE_KEY', 'PROXMOX_VE_SSH_PRIVATE_KEY_FILE',
  'PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', 'K3S_TOKEN', 'K3S_TOKEN_FILE',
];

/** Who reads the configuration: a run that builds needs the Proxmox and token variables; one that only reads, not. */
export type TargetPurpose = 'read' | 'build';

/**
 * Reads the profile's variables; every secret read is registered with `secrets` at once. Throws one
 * ConfigurationError with every problem; for purpose 'build' that includes each unset variable a build needs.
 */
export function loadTargetConfig(env: Env, secrets: SecretRegistry, purpose: TargetPurpose = 'build'): TargetConfig {
  const { config, problems, missingForBuild } = readTargetConfig(env, secrets);
  const all = purpose === 'build' ? [...problems, ...missingForBuild] : problems;
  if (all.length || !config) throw new ConfigurationError(all);
  return config;
}

/** The configuration and its problems, without throwing; `missingForBuild` is what only a build would be refused for. */
export function readTargetConfig(env: Env, secrets: SecretRegistry): { config?: TargetConfig; problems: InputProblem[]; missingForBuild: InputProblem[] } {
  const problems: InputProblem[] = [];
  const sink = (list: InputProblem[]): Problem => (input, text, fix) => list.push({ input, problem: text, fix });
  const problem = sink(problems);
  const buildProblems: InputProblem[] = [];
  const buildAsked = BUILD_VARIABLES.some((name) => env[name]?.trim());
  const build = readBuildInputs(env, secrets, sink(buildProblems));
  // Partly set build variables are a mistake to report; none set is a run that only reads.
  if (buildAsked) problems.push(...buildProblems);
  const missingForBuild = buildAsked ? [] : buildProblems;

  // Same rule as k3s install.sh: "Only https:// URLs are supported for K3S_URL".
  const k3sUrlText = env.K3S_URL?.trim();
  const k3sUrl = k3sUrlText ? httpsUrl(problem, 'K3S_URL', k3sUrlText, 'https://SERVER:6443') : undefined;
  const install = installSource(env, problem);
  const proxy = workerProxy(env, problem);

  // In a pod (the nightly CronJob) the ServiceAccount is the credential, as client-go's in-cluster config does it.
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST?.trim()) && !env.KUBECONFIG?.trim();
  const kubeconfigPath = inCluster ? undefined : required(env, problem, 'KUBECONFIG');

  if (problems.length) return { problems, missingForBuild };
  return {
    problems,
    missingForBuild,
    config: {
      build: buildProblems.length ? undefined : build,
      missingForBuild,
      k3s: { url: k3sUrl, install, proxy },
      kubeconfigPath,
      keepOnFailure: isSet(env.SUITE_KEEP_ON_FAILURE),
      reinstall: isSet(env.SUITE_REINSTALL),
    },
  };
}

/** The Proxmox API and root SSH, the worker's key and the k3s token; each problem goes to `problem`. */
function readBuildInputs(env: Env, secrets: SecretRegistry, problem: Problem): BuildInputs {
  const endpointText = required(env, problem, 'PROXMOX_VE_ENDPOINT');
  const endpoint = endpointText ? httpsUrl(problem, 'PROXMOX_VE_ENDPOINT', endpointText, 'https://pve.example:8006/') : undefined;

  const token = required(env, problem, 'PROXMOX_VE_API_TOKEN');
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
  const caPem = caFile ? readVariableFile(problem, 'PROXMOX_VE_CA_FILE', caFile) : undefined;

  const sshPortText = env.PROXMOX_VE_SSH_PORT?.trim() || '22';
  const sshPort = Number(sshPortText);
  if (!(/^\d+$/.test(sshPortText) && sshPort >= 1 && sshPort <= 65535)) problem(`PROXMOX_VE_SSH_PORT "${sshPortText}"`, 'is not a port number', 'write e.g. 22');
  const sshKey = fileOrValue(env, problem, 'PROXMOX_VE_SSH_PRIVATE_KEY', 'PROXMOX_VE_SSH_PRIVATE_KEY_FILE');
  secrets.register(sshKey);
  const hostKeyFingerprint = required(env, problem, 'PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT');
  if (hostKeyFingerprint && !/^SHA256:[A-Za-z0-9+/]{43}$/.test(hostKeyFingerprint)) {
    problem('PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', 'is not an OpenSSH SHA256 fingerprint', 'copy it from `ssh-keyscan -t ed25519 HOST | ssh-keygen -lf -`, e.g. SHA256:abc…');
  }

  const workerKeyFile = env.WORKER_SSH_PRIVATE_KEY_FILE?.trim();
  const workerKey = workerKeyFile ? readVariableFile(problem, 'WORKER_SSH_PRIVATE_KEY_FILE', workerKeyFile) : sshKey;
  secrets.register(workerKey);

  const k3sToken = fileOrValue(env, problem, 'K3S_TOKEN', 'K3S_TOKEN_FILE');
  secrets.register(k3sToken);
  // A secure token's password part may be printed on its own by tools; mask it separately.
  secrets.register(/::[^:]+:(.+)$/.exec(k3sToken)?.[1]);

  return {
    proxmox: {
      endpoint: endpoint!,
      tokenId: tokenMatch?.[1] ?? '',
      tokenSecret: tokenMatch?.[2] ?? '',
      node: env.PROXMOX_VE_NODE?.trim() || undefined,
      tlsFingerprint,
      caPem,
      ssh: {
        host: env.PROXMOX_VE_SSH_ADDRESS?.trim() || endpoint?.hostname || '',
        port: sshPort,
        username: env.PROXMOX_VE_SSH_USERNAME?.trim() || 'root',
        privateKey: sshKey,
        hostKeyFingerprint,
        nodes: sshNodes(env, problem),
      },
    },
    workerKey: workerKey ?? '',
    k3sToken,
  };
}

function required(env: Env, problem: Problem, name: string): string {
  const value = env[name]?.trim();
  if (!value) problem(name, 'is not set', `set it: ${TARGET_VARIABLES[name]}`);
  return value ?? '';
}

function fileOrValue(env: Env, problem: Problem, valueName: string, fileName: string): string {
  const direct = env[valueName]?.trim();
  const path = env[fileName]?.trim();
  if (direct && path) problem(`${valueName} and ${fileName}`, 'are both set', 'set only one of them');
  if (direct) return direct;
  if (!path) {
    problem(valueName, 'is not set', `set it or ${fileName}: ${TARGET_VARIABLES[valueName]}`);
    return '';
  }
  return readVariableFile(problem, fileName, path)?.trim() ?? '';
}

function readVariableFile(problem: Problem, name: string, path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    problem(`${name} "${path}"`, `cannot be read (${(error as NodeJS.ErrnoException).code})`, 'point it at a readable file');
    return undefined;
  }
}

function httpsUrl(problem: Problem, name: string, text: string, example: string): URL | undefined {
  try {
    const url = new URL(text);
    if (url.protocol === 'https:') return url;
    problem(`${name} "${text}"`, 'is not https', `write it like ${example}`);
  } catch {
    problem(`${name} "${text}"`, 'is not a URL', `write it like ${example}`);
  }
  return undefined;
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

/** The variable prefix of a node's own SSH: PROXMOX_VE_SSH_NODE_PVE2 for pve2 (upper case, anything else as _). */
export function sshNodeVariable(node: string): string {
  return `PROXMOX_VE_SSH_NODE_${node.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Every PROXMOX_VE_SSH_NODE_<NAME>_ADDRESS with its _PORT (default 22) and _HOST_KEY_FINGERPRINT, keyed by the node
 * name as Proxmox spells it (lower case: PVE node names are host names).
 */
function sshNodes(env: Env, problem: Problem): Record<string, { host: string; port: number; hostKeyFingerprint: string }> {
  const nodes: Record<string, { host: string; port: number; hostKeyFingerprint: string }> = {};
  for (const [name, value] of Object.entries(env)) {
    const match = /^PROXMOX_VE_SSH_NODE_([A-Z0-9_]+)_ADDRESS$/.exec(name);
    if (!match || !value?.trim()) continue;
    const prefix = `PROXMOX_VE_SSH_NODE_${match[1]}`;
    const portText = env[`${prefix}_PORT`]?.trim() || '22';
    const port = Number(portText);
    if (!(/^\d+$/.test(portText) && port >= 1 && port <= 65535)) problem(`${prefix}_PORT "${portText}"`, 'is not a port number', 'write e.g. 22');
    const fingerprint = env[`${prefix}_HOST_KEY_FINGERPRINT`]?.trim() ?? '';
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fingerprint)) {
      problem(`${prefix}_HOST_KEY_FINGERPRINT`, fingerprint ? 'is not an OpenSSH SHA256 fingerprint' : 'is not set, and a node\'s SSH is only trusted by its pinned host key', 'copy it from `ssh-keyscan -t ed25519 HOST | ssh-keygen -lf -`');
    }
    nodes[match[1].toLowerCase().replace(/_/g, '-')] = { host: value.trim(), port, hostKeyFingerprint: fingerprint };
  }
  return nodes;
}
