import type { Command, IFileSystem } from 'just-bash';
import type { ContainerRuntime } from '../../contracts/container-runtime';
import { HostKernel } from '../../contracts/host-kernel';
import type { VirtualNetwork } from '../../net/virtual-network';
import { sha256Fingerprint, type CertificateAuthority } from '../../pki/certificates';
import type { LabTiming } from '../../timing';
import type { ApiAuthenticator } from '../access/auth';
import type { ProxyTarget } from '../api/api-proxy';
import { startApiServer } from '../api/http-server';
import { accessRoutes } from '../api/routes/access';
import { clusterRoutes } from '../api/routes/cluster';
import { lxcRoutes } from '../api/routes/lxc';
import { networkRoutes } from '../api/routes/network';
import { nodeRoutes } from '../api/routes/nodes';
import { qemuRoutes } from '../api/routes/qemu';
import { storageRoutes } from '../api/routes/storage';
import { taskRoutes } from '../api/routes/tasks';
import { versionRoutes } from '../api/routes/version';
import type { ClusterMembers } from '../cluster/cluster-members';
import type { NodeCapacity } from '../cluster/node-capacity';
import { FaultPlan } from '../faults';
import { ConfigLocks } from '../guests/config-lock';
import { ContainerStore } from '../guests/container-store';
import { NodeGuests } from '../guests/node-guests';
import { QemuVms } from '../guests/qemu-vms';
import { HostShell } from '../host/host-shell';
import { startHostSsh } from '../host/host-ssh';
import type { NodeContext } from '../node-context';
import { issueNodeCertificate } from './node-certificate';
import { HostNetwork } from './host-network';
import { localStorages, NodeStorage, SHARED_STORAGE } from './storage';
import { TaskRegistry } from './tasks';

/** What the members of one cluster share: pmxcfs (members, vmlist, users and ACLs), the CA, the guests' runtime. */
export interface ClusterShared {
  network: VirtualNetwork;
  timing: LabTiming;
  runtime: ContainerRuntime;
  members: ClusterMembers;
  auth: ApiAuthenticator;
  ca: CertificateAuthority;
  rootAuthorizedKeys: string[];
  countWrite(): void;
  /** Another member's API, for pveproxy to forward a call to. */
  proxyTarget(node: string): ProxyTarget | undefined;
  extraHostCommands?: (fs: IFileSystem) => Command[];
}

export interface NodeSpec {
  name: string;
  /** The node's address on vmbr0. */
  hostIp: string;
  capacity: NodeCapacity;
  kernel?: HostKernel;
}

/** One member's running services, before index.ts wraps them into a RunningProxmoxNode. */
export interface StartedNode {
  ctx: NodeContext;
  faults: FaultPlan;
  apiPort: number;
  sshPort: number;
  sshHostKeyFingerprint: string;
  sshHostPublicKey: string;
  stop(): Promise<void>;
}

/** Starts one node of a cluster: its HTTPS API (pveproxy) and its root SSH, on loopback and on the virtual network. */
export async function startNode(spec: NodeSpec, shared: ClusterShared): Promise<StartedNode> {
  const faults = new FaultPlan();
  const { capacity } = spec;
  const storages = localStorages({ totalBytes: capacity.localLvmBytes, usedBytes: capacity.localLvmUsedBytes });
  // As pvecm creates them: the cluster's CA signs each node's certificate for its API (pveproxy serves pve-ssl.pem).
  let tls = await issueNodeCertificate(shared.ca, spec.name, spec.hostIp);
  const store = new ContainerStore(spec.name);
  const qemu = new QemuVms(spec.name);
  const ctx: NodeContext = {
    nodeName: spec.name,
    hostIp: spec.hostIp,
    network: shared.network,
    timing: shared.timing,
    runtime: new NodeGuests(shared.runtime, shared.network),
    store,
    qemu,
    tasks: new TaskRegistry(spec.name, { timing: shared.timing, faults }),
    locks: new ConfigLocks(shared.timing, faults),
    faults,
    interfaces: new HostNetwork(spec.hostIp),
    storage: new NodeStorage(shared.runtime, faults, shared.members.name ? [...storages, SHARED_STORAGE] : storages),
    bootedAt: Date.now() - 10 * 86400 * 1000,
    startedAt: new Map(),
    kernel: spec.kernel ?? new HostKernel(),
    capacity,
    cluster: shared.members,
    users: shared.auth.users,
    sslFingerprint: () => sha256Fingerprint(tls.certPem),
    guests: () => [
      ...store.vmids().map((vmid) => ({ vmid, node: spec.name, type: 'lxc' as const })),
      ...qemu.vmids().map((vmid) => ({ vmid, node: spec.name, type: 'qemu' as const })),
    ],
    countWrite: shared.countWrite,
    extraHostCommands: (fs) => shared.extraHostCommands?.(fs) ?? [],
  };
  shared.members.join(ctx);

  const api = await startApiServer({
    auth: shared.auth,
    tls,
    onWrite: ctx.countWrite,
    answerDelayMs: () => faults.apiDelayMs,
    proxyTarget: (node) => (node === spec.name ? undefined : shared.proxyTarget(node)),
    routes: [
      ...accessRoutes(shared.auth),
      ...versionRoutes(),
      ...nodeRoutes(ctx),
      ...clusterRoutes(ctx),
      ...storageRoutes(ctx),
      ...lxcRoutes(ctx),
      ...qemuRoutes(ctx),
      ...networkRoutes(ctx),
      ...taskRoutes(ctx),
    ],
  });
  faults.attachApi({
    stopListening: api.stopListening,
    listenAgain: api.listenAgain,
    replaceCertificate: async () => {
      tls = await issueNodeCertificate(shared.ca, spec.name, spec.hostIp);
      api.replaceCertificate(tls);
      return ctx.sslFingerprint();
    },
  });
  let ssh;
  try {
    ssh = await startHostSsh({ nodeName: spec.name, shell: new HostShell(ctx), network: shared.network, rootAuthorizedKeys: shared.rootAuthorizedKeys });
  } catch (error) {
    await api.close();
    throw error;
  }
  const unexpose = [shared.network.expose(spec.hostIp, 8006, api.port), shared.network.expose(spec.hostIp, 22, ssh.port)];
  return {
    ctx,
    faults,
    apiPort: api.port,
    sshPort: ssh.port,
    sshHostKeyFingerprint: ssh.hostKeyFingerprint,
    sshHostPublicKey: ssh.hostPublicKey,
    stop: async () => {
      for (const close of unexpose) close();
      await Promise.all([api.close(), ssh.close()]);
    },
  };
}
