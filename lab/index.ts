import { randomUUID } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGuestRuntime } from './guest';
import { startK3sServer, type MasterSize, type ServerCaKind } from './k3s';
import { createNodeEnvironment } from './kubelet/node-environment';
import { VirtualNetwork } from './net/virtual-network';
import { generateEd25519KeyPair } from './pki/ssh-keys';
import { startProxmoxNode } from './proxmox';
import { LabTiming } from './timing';

export interface LabOptions {
  /** Where the lab writes the files its variables point at (keys, kubeconfig, token). */
  stateDir: string;
  /** 0 = as fast as possible (still asynchronous), 1 = the durations real systems take. */
  timingScale?: number;
  /** The k3s server machine's size (default 4 CPUs, 8 GiB): a bigger master wins the scheduler's resource scores. */
  k3sMaster?: MasterSize;
  /** The k3s server CA served at /cacerts: its own (default) or a custom CA's intermediate and root bundle. */
  k3sCa?: ServerCaKind;
}

export interface RunningLab {
  /** Every variable the suite's real profile reads, pointing at this lab. */
  env: Record<string, string>;
  network: VirtualNetwork;
  proxmox: Awaited<ReturnType<typeof startProxmoxNode>>;
  k3s: Awaited<ReturnType<typeof startK3sServer>>;
  /** The LXC guests, for fault injection (e.g. replaceHostKeys). */
  guests: ReturnType<typeof createGuestRuntime>;
  stop(): Promise<void>;
}

const API_TOKEN_ID = 'root@pam!acceptance';
const CONTROL_PLANE_IP = '192.168.2.20';

/**
 * Starts the embedded lab: a k3s server at 192.168.2.20:6443, a Proxmox VE node "pve" whose containers are LXC
 * guests on the virtual 192.168.2.0/24 network, reachable only through the node's SSH as a jump host. Everything
 * listens on loopback; the suite reaches it exactly as it reaches real systems, through the variables in `env`.
 */
export async function startLab(options: LabOptions): Promise<RunningLab> {
  const network = new VirtualNetwork();
  const timing = new LabTiming(options.timingScale ?? 0);
  const operatorKey = generateEd25519KeyPair('operator@k3s-lab');
  const tokenSecret = randomUUID();

  // The registries (and the kubelets' directory) every node of this lab shares, and no other lab.
  const node = createNodeEnvironment();
  const k3s = await startK3sServer({ network, timing, node, serverIp: CONTROL_PLANE_IP, port: 6443, master: options.k3sMaster, ca: options.k3sCa });
  const guests = createGuestRuntime({ network, timing, node });
  const proxmox = await startProxmoxNode({
    network,
    timing,
    runtime: guests,
    nodeName: 'pve',
    apiTokens: [{ tokenId: API_TOKEN_ID, secret: tokenSecret }],
    rootAuthorizedKeys: [operatorKey.public],
  });

  const file = (name: string, content: string) => {
    const path = join(options.stateDir, name);
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, 0o600);
    return path;
  };
  const env = {
    PROXMOX_VE_ENDPOINT: proxmox.apiUrl,
    PROXMOX_VE_API_TOKEN: `${API_TOKEN_ID}=${tokenSecret}`,
    PROXMOX_VE_NODE: proxmox.nodeName,
    PROXMOX_VE_TLS_FINGERPRINT: proxmox.tlsFingerprint,
    PROXMOX_VE_SSH_ADDRESS: '127.0.0.1',
    PROXMOX_VE_SSH_PORT: String(proxmox.sshPort),
    PROXMOX_VE_SSH_USERNAME: 'root',
    PROXMOX_VE_SSH_PRIVATE_KEY_FILE: file('operator_ed25519', operatorKey.private),
    PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT: proxmox.sshHostKeyFingerprint,
    K3S_URL: k3s.url,
    K3S_TOKEN_FILE: file('node-token', `${k3s.token}\n`),
    KUBECONFIG: file('kubeconfig.yaml', k3s.kubeconfig()),
  };
  // For an operator at a terminal: `ssh -F <stateDir>/ssh_config pve`, or through it to a guest with -J pve.
  const knownHosts = file('known_hosts', `[127.0.0.1]:${proxmox.sshPort} ${proxmox.sshHostPublicKey.trim()}\n`);
  file(
    'ssh_config',
    [
      'Host pve',
      '  HostName 127.0.0.1',
      `  Port ${proxmox.sshPort}`,
      'Host *',
      '  User root',
      `  IdentityFile ${env.PROXMOX_VE_SSH_PRIVATE_KEY_FILE}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${knownHosts}`,
      '  StrictHostKeyChecking yes',
      '',
    ].join('\n'),
  );

  return {
    env,
    network,
    proxmox,
    k3s,
    guests,
    async stop() {
      await guests.stopAll();
      await proxmox.stop();
      await k3s.stop();
    },
  };
}
