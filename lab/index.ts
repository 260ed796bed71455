import { randomUUID } from 'node:crypto';
import type { IFileSystem } from 'just-bash';
import { appendFileSync, chmodSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createGuestRuntime, curlCommand, k3sInternet } from './guest';
import { startK3sServer, type MasterSize, type ServerCaKind } from './k3s';
import { createNodeEnvironment } from './kubelet/node-environment';
import { writeAirgapArtifacts } from './net/airgap-artifacts';
import { K3sChannels } from './net/k3s-releases';
import { LAB_PROXY, type GuestInternetMode } from './net/outside-world';
import { VirtualNetwork } from './net/virtual-network';
import { generateEd25519KeyPair } from './pki/ssh-keys';
import { defaultCapacity, startProxmoxCluster, startProxmoxNode, withRequest, type NodeCapacityRequest, type RunningProxmoxNode } from './proxmox';
import { HOME_ASSISTANT_VM, K3S_MASTER_CT, LAN_DEVICES } from './story-surroundings';
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
  /** k3s release channels the lab's update.k3s.io serves, NAME -> VERSION, over the defaults (lab/net/k3s-releases.ts). */
  k3sChannels?: Record<string, string>;
  /** What the guests reach beyond the LAN: the internet (default), nothing, or only an HTTP proxy on the LAN. */
  guestInternet?: GuestInternetMode;
  /** Proxmox nodes: 1 (default) is the standalone node `pve`; 2 to 9 make one cluster of pve1…pveN. */
  pveNodes?: number;
  /** Per node name: CPUs, free memory and free local-lvm space other than the defaults. */
  pveNodeCapacity?: Map<string, NodeCapacityRequest>;
  /** A file the lab appends its emulated time to when it stops (one JSON line per lab). */
  emulatedTimeFile?: string;
}

export interface RunningLab {
  /** Every variable the suite's real profile reads, pointing at this lab. */
  env: Record<string, string>;
  network: VirtualNetwork;
  /** The Proxmox node the endpoint is on (the standalone `pve`, or pve1 of a cluster). */
  proxmox: RunningProxmoxNode;
  /** Every Proxmox node, `proxmox` first. */
  proxmoxNodes: RunningProxmoxNode[];
  k3s: Awaited<ReturnType<typeof startK3sServer>>;
  /** The LXC guests, for fault injection (e.g. replaceHostKeys). */
  guests: ReturnType<typeof createGuestRuntime>;
  /** The time the lab spent emulating real operations (LabTiming.emulatedMs), since the lab started. */
  emulatedMs(): number;
  stop(): Promise<void>;
}

const API_TOKEN_ID = 'root@pam!acceptance';
const CONTROL_PLANE_IP = '192.168.2.20';
/** The nodes' own addresses on vmbr0: pve (or pve1) at .10, pve2 at .11, ... below the story's .20. */
const NODE_IP_BASE = 10;
const CLUSTER_NAME = 'lab';

/**
 * Starts the embedded lab: a k3s server at 192.168.2.20:6443, a Proxmox VE node "pve" (or a cluster of pve1…pveN)
 * whose containers are LXC guests on the virtual 192.168.2.0/24 network, reachable only through a node's SSH as a
 * jump host. Everything listens on loopback; the suite reaches it exactly as it reaches real systems, through the
 * variables in `env`.
 */
export async function startLab(options: LabOptions): Promise<RunningLab> {
  const specs = proxmoxNodeSpecs(options);
  const network = new VirtualNetwork();
  const startedAt = performance.now();
  const timing = new LabTiming(options.timingScale ?? 0);
  const operatorKey = generateEd25519KeyPair('operator@k3s-lab');
  const tokenSecret = randomUUID();

  // The registries (and the kubelets' directory) every node of this lab shares, and no other lab.
  const node = createNodeEnvironment();
  const k3s = await startK3sServer({ network, timing, node, serverIp: CONTROL_PLANE_IP, port: 6443, master: options.k3sMaster, ca: options.k3sCa });
  const channels = new K3sChannels(options.k3sChannels);
  const outside = k3sInternet(options.guestInternet ?? 'online', channels);
  // The Proxmox nodes reach the internet whatever the guests' mode (a proxy-only or air-gapped VLAN is the workers'),
  // with Debian 12's curl 7.88.
  const hostInternet = k3sInternet('online', channels);
  if (outside.mode === 'proxy') network.attachHost(LAB_PROXY.host);
  const guests = createGuestRuntime({ network, timing, outside, node });
  const access = {
    apiTokens: [{ tokenId: API_TOKEN_ID, secret: tokenSecret }],
    rootAuthorizedKeys: [operatorKey.public],
    extraHostCommands: (fs: IFileSystem) => [curlCommand({ template: { curlMajor: 7 }, fs, timing, network, outside: hostInternet })],
  };
  const proxmoxNodes =
    specs.length === 1
      ? [await startProxmoxNode({ network, timing, runtime: guests, ...access, nodeName: specs[0].name, hostIp: specs[0].hostIp, capacity: specs[0].capacity })]
      : (await startProxmoxCluster({ network, timing, runtime: guests, ...access, name: CLUSTER_NAME, nodes: specs })).nodes;
  const proxmox = proxmoxNodes[0];
  // The story's node already runs the k3s server's container and a VM; its LAN has a router and a printer.
  // CT 100 is the k3s server's machine, so its config says the size the server's Node reports (--k3s-master).
  const master = options.k3sMaster;
  proxmox.addResidentContainer(master ? { ...K3S_MASTER_CT, cores: master.cpus, memoryMiB: master.memoryMiB } : K3S_MASTER_CT);
  proxmox.addResidentVm(HOME_ASSISTANT_VM);
  for (const { ip, ...device } of LAN_DEVICES) network.addDevice(ip, device);

  const file = (name: string, content: string) => {
    const path = join(options.stateDir, name);
    writeFileSync(path, content, { mode: 0o600 });
    chmodSync(path, 0o600);
    return path;
  };
  const env = {
    PROXMOX_VE_ENDPOINT: proxmox.apiUrl,
    PROXMOX_VE_API_TOKEN: `${API_TOKEN_ID}=${tokenSecret}`,
    PROXMOX_VE_TLS_FINGERPRINT: proxmox.tlsFingerprint,
    PROXMOX_VE_SSH_ADDRESS: '127.0.0.1',
    PROXMOX_VE_SSH_PORT: String(proxmox.sshPort),
    PROXMOX_VE_SSH_USERNAME: 'root',
    PROXMOX_VE_SSH_PRIVATE_KEY_FILE: file('operator_ed25519', operatorKey.private),
    PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT: proxmox.sshHostKeyFingerprint,
    // Every node's own SSH, as the Terraform provider's ssh { node { name address port } } blocks name them.
    ...Object.fromEntries(proxmoxNodes.flatMap((node) => nodeSshVariables(node))),
    K3S_URL: k3s.url,
    K3S_TOKEN_FILE: file('node-token', `${k3s.token}\n`),
    KUBECONFIG: file('kubeconfig.yaml', k3s.kubeconfig()),
    // Not read by the suite: an air-gap artifact set matching the server (K3S_AIRGAP_DIR), and where the guests'
    // proxy is (WORKER_HTTP_PROXY / WORKER_HTTPS_PROXY).
    LAB_AIRGAP_DIR: dirname(writeAirgapArtifacts(join(options.stateDir, 'airgap')).k3s),
    ...(outside.mode === 'proxy' ? { LAB_GUEST_PROXY: `http://${LAB_PROXY.host}:${LAB_PROXY.port}` } : {}),
  };
  // For an operator at a terminal: `ssh -F <stateDir>/ssh_config pve`, or through it to a guest with -J pve.
  const knownHosts = file('known_hosts', proxmoxNodes.map((node) => `[127.0.0.1]:${node.sshPort} ${node.sshHostPublicKey.trim()}\n`).join(''));
  file(
    'ssh_config',
    [
      ...proxmoxNodes.flatMap((node) => [`Host ${node.nodeName}`, '  HostName 127.0.0.1', `  Port ${node.sshPort}`]),
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
    proxmoxNodes,
    k3s,
    guests,
    emulatedMs: () => timing.emulatedMs(),
    async stop() {
      // Asked for by bench/suite-overhead.ts: what the lab emulated in this process, written as it stops.
      if (options.emulatedTimeFile) appendFileSync(options.emulatedTimeFile, `${JSON.stringify({ emulatedMs: timing.emulatedMs(), livedMs: performance.now() - startedAt, scale: timing.scale })}\n`);
      await guests.stopAll();
      await Promise.all(proxmoxNodes.map((node) => node.stop()));
      await k3s.stop();
    },
  };
}

/** The standalone node `pve`, or pve1…pveN of a cluster, each with its address and capacity. */
function proxmoxNodeSpecs(options: LabOptions) {
  const count = options.pveNodes ?? 1;
  const names = count === 1 ? ['pve'] : Array.from({ length: count }, (_, i) => `pve${i + 1}`);
  const unknown = [...(options.pveNodeCapacity?.keys() ?? [])].filter((name) => !names.includes(name));
  if (unknown.length) throw new Error(`pve-node-capacity: no node ${unknown.join(', ')} in this lab (its nodes: ${names.join(', ')})`);
  return names.map((name, i) => ({
    name,
    hostIp: `192.168.2.${NODE_IP_BASE + i}`,
    capacity: withRequest(defaultCapacity(i), options.pveNodeCapacity?.get(name) ?? {}),
  }));
}

/** PROXMOX_VE_SSH_NODE_<NAME>_ADDRESS, _PORT, _HOST_KEY_FINGERPRINT for one node (pve-2 -> PVE_2). */
function nodeSshVariables(node: RunningProxmoxNode): Array<[string, string]> {
  const prefix = `PROXMOX_VE_SSH_NODE_${node.nodeName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  return [
    [`${prefix}_ADDRESS`, '127.0.0.1'],
    [`${prefix}_PORT`, String(node.sshPort)],
    [`${prefix}_HOST_KEY_FINGERPRINT`, node.sshHostKeyFingerprint],
  ];
}
