import type { Command, IFileSystem } from 'just-bash';
import type { ContainerRuntime } from '../contracts/container-runtime';
import type { HostKernel } from '../contracts/host-kernel';
import type { VirtualNetwork } from '../net/virtual-network';
import { createCertificateAuthority } from '../pki/certificates';
import type { LabTiming } from '../timing';
import { ApiAuthenticator, type ApiTokenGrant } from './access/auth';
import { ClusterMembers } from './cluster/cluster-members';
import { defaultCapacity, type NodeCapacity } from './cluster/node-capacity';
import type { ContainerStore } from './guests/container-store';
import type { ProxmoxFaults } from './faults';
import { startNode, type StartedNode } from './node/start-node';
import { addResidentContainer, type ResidentContainerSpec } from './guests/resident-container';
import type { ResidentVmSpec } from './guests/qemu-vms';

export { ContainerStore } from './guests/container-store';
export type { ApiTokenGrant } from './access/auth';
export type { AclEntry } from './access/acl';
export { ROLES } from './access/privileges';
export type { PctConfig } from './guests/conf-file';
export type { ProxmoxFaults } from './faults';
export type { ResidentContainerSpec } from './guests/resident-container';
export type { ResidentVmSpec } from './guests/qemu-vms';
export { defaultCapacity, parseNodeCapacities, withRequest, type NodeCapacity, type NodeCapacityRequest } from './cluster/node-capacity';

interface AccessOptions {
  /** Commands the root shells get from the rest of the lab (curl: the guests' lab owns it). */
  extraHostCommands?: (fs: IFileSystem) => Command[];
  apiTokens: ApiTokenGrant[];
  /** Enables POST /access/ticket for root@pam. */
  rootPassword?: string;
  /** OpenSSH public key lines allowed to log in as root over SSH (on every node). */
  rootAuthorizedKeys: string[];
}

export interface ProxmoxNodeOptions extends AccessOptions {
  network: VirtualNetwork;
  timing: LabTiming;
  runtime: ContainerRuntime;
  /** Default 'pve'. */
  nodeName?: string;
  /** The node's own address on vmbr0; default '192.168.2.10'. */
  hostIp?: string;
  /** The node's kernel settings; default a fresh PVE 8 node's. */
  kernel?: HostKernel;
  /** Its size and load; default 16 CPUs and 64 GiB, 55 GiB of it free. */
  capacity?: NodeCapacity;
}

export interface ProxmoxClusterOptions extends AccessOptions {
  network: VirtualNetwork;
  timing: LabTiming;
  runtime: ContainerRuntime;
  /** The cluster's name (corosync cluster_name). */
  name: string;
  /** Its nodes, in the order they joined (pvecm add). */
  nodes: Array<{ name: string; hostIp: string; capacity: NodeCapacity; kernel?: HostKernel }>;
}

export interface RunningProxmoxNode {
  apiPort: number;
  /** https://127.0.0.1:<port>/ — the API lives under /api2/json. */
  apiUrl: string;
  /** SHA-256 of the pve-ssl.pem the API serves now, 'AA:BB:...' (faults.replaceTlsCertificate changes it). */
  readonly tlsFingerprint: string;
  /** pve-root-ca.pem, the cluster's CA that signed every node's pve-ssl.pem. */
  caPem: string;
  sshPort: number;
  sshHostKeyFingerprint: string;
  sshHostPublicKey: string;
  nodeName: string;
  hostIp: string;
  /** Mutating API calls plus mutating host commands served so far, on any node of its cluster ("changed nothing" proofs). */
  writeCount(): number;
  /** Lab-internal: the node's /etc/pve/nodes/<node>/lxc, for tests and fault injection. */
  containers: ContainerStore;
  /** Lab-internal: arm lock timeouts, failing tasks, API outages and more on this node (LIMITATIONS.md, "Faults"). */
  faults: ProxmoxFaults;
  /**
   * Lab-internal: an API token and its ACL entries, as an administrator adds them (`pveum user token add`,
   * `pveum acl modify`), cluster-wide; replaces a token of the same id. Not counted as a write: it is not the
   * suite's doing.
   */
  addApiToken(grant: ApiTokenGrant): void;
  /**
   * Lab-internal: a container that was running on this node before the lab started, whose processes are another
   * part of the lab (the k3s server's CT 100). Not counted as a write.
   */
  addResidentContainer(spec: ResidentContainerSpec): void;
  /**
   * Lab-internal: a QEMU VM that was running on this node before the lab started: its config and power state, and
   * a device on the LAN at its cloud-init address that answers ARP and ping. Not counted as a write.
   */
  addResidentVm(spec: ResidentVmSpec): void;
  stop(): Promise<void>;
}

export interface RunningProxmoxCluster {
  name: string;
  /** The members in the order they joined; the first is the one the lab's endpoint is on. */
  nodes: RunningProxmoxNode[];
  node(name: string): RunningProxmoxNode;
  caPem: string;
  writeCount(): number;
  addApiToken(grant: ApiTokenGrant): void;
  stop(): Promise<void>;
}

/** Starts one emulated Proxmox VE 8 node in no cluster: its HTTPS API and its root SSH. */
export async function startProxmoxNode(options: ProxmoxNodeOptions): Promise<RunningProxmoxNode> {
  const spec = {
    name: options.nodeName ?? 'pve',
    hostIp: options.hostIp ?? '192.168.2.10',
    capacity: options.capacity ?? defaultCapacity(0),
    kernel: options.kernel,
  };
  const started = await startMembers(new ClusterMembers(), [spec], options);
  return started.nodes[0];
}

/** Starts a cluster of emulated Proxmox VE 8 nodes sharing users, ACLs, the vmlist and one shared storage. */
export async function startProxmoxCluster(options: ProxmoxClusterOptions): Promise<RunningProxmoxCluster> {
  const started = await startMembers(new ClusterMembers(options.name), options.nodes, options);
  return {
    name: options.name,
    ...started,
    node: (name) => {
      const found = started.nodes.find((node) => node.nodeName === name);
      if (!found) throw new Error(`no node ${name} in cluster ${options.name} (${started.nodes.map((node) => node.nodeName).join(', ')})`);
      return found;
    },
  };
}

/** An `onboot` guest starts about half a minute after the node has booted. */
const ONBOOT_DELAY_MS = 30_000;

type StartOptions = AccessOptions & { network: VirtualNetwork; timing: LabTiming; runtime: ContainerRuntime; extraHostCommands?: (fs: IFileSystem) => Command[] };

async function startMembers(members: ClusterMembers, specs: ProxmoxClusterOptions['nodes'], options: StartOptions) {
  let writes = 0;
  const auth = new ApiAuthenticator(options.apiTokens, options.rootPassword, options.timing);
  const ca = await createCertificateAuthority('Proxmox Virtual Environment');
  const started: StartedNode[] = [];
  const shared = {
    network: options.network,
    timing: options.timing,
    runtime: options.runtime,
    members,
    auth,
    ca,
    rootAuthorizedKeys: options.rootAuthorizedKeys,
    countWrite: () => void (writes += 1),
    extraHostCommands: options.extraHostCommands,
    proxyTarget: (name: string) => {
      const target = started.find((node) => node.ctx.nodeName === name);
      return target && { port: target.apiPort, caPem: ca.certPem };
    },
  };
  const stopAll = () => Promise.all(started.map((node) => node.stop())).then(() => undefined);
  try {
    for (const spec of specs) started.push(await startNode(spec, shared));
  } catch (error) {
    await stopAll();
    throw error;
  }
  const writeCount = () => writes;
  const addApiToken = (grant: ApiTokenGrant) => auth.addToken(grant);
  const nodes = started.map((node): RunningProxmoxNode => ({
    apiPort: node.apiPort,
    apiUrl: `https://127.0.0.1:${node.apiPort}/`,
    get tlsFingerprint() {
      return node.ctx.sslFingerprint();
    },
    caPem: ca.certPem,
    sshPort: node.sshPort,
    sshHostKeyFingerprint: node.sshHostKeyFingerprint,
    sshHostPublicKey: node.sshHostPublicKey,
    nodeName: node.ctx.nodeName,
    hostIp: node.ctx.hostIp,
    writeCount,
    containers: node.ctx.store,
    faults: node.faults,
    addApiToken,
    addResidentContainer: (spec) => addResidentContainer(node.ctx, spec, node.ctx.bootedAt + ONBOOT_DELAY_MS),
    addResidentVm: (spec) => {
      const { hwaddr, ip } = node.ctx.qemu.addResident(spec, node.ctx.bootedAt + ONBOOT_DELAY_MS);
      options.network.addDevice(ip, { name: `VM ${spec.vmid} ${spec.name}`, hwaddr });
    },
    // A standalone node stops as a whole; a cluster member stops alone (the others keep running).
    stop: started.length === 1 ? stopAll : node.stop,
  }));
  return { nodes, caPem: ca.certPem, writeCount, addApiToken, stop: stopAll };
}
