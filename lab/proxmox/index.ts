import type { ContainerRuntime } from '../contracts/container-runtime';
import { HostKernel } from '../contracts/host-kernel';
import type { VirtualNetwork } from '../net/virtual-network';
import { createCertificateAuthority, sha256Fingerprint } from '../pki/certificates';
import type { LabTiming } from '../timing';
import { ApiAuthenticator, type ApiTokenGrant } from './access/auth';
import { ConfigLocks } from './guests/config-lock';
import { ContainerStore } from './guests/container-store';
import { FaultPlan, type ProxmoxFaults } from './faults';
import { HostShell } from './host/host-shell';
import { startHostSsh } from './host/host-ssh';
import { startApiServer } from './api/http-server';
import { issueNodeCertificate } from './node/node-certificate';
import type { NodeContext } from './node-context';
import { accessRoutes } from './api/routes/access';
import { clusterRoutes } from './api/routes/cluster';
import { lxcRoutes } from './api/routes/lxc';
import { nodeRoutes } from './api/routes/nodes';
import { storageRoutes } from './api/routes/storage';
import { taskRoutes } from './api/routes/tasks';
import { versionRoutes } from './api/routes/version';
import { NodeStorage } from './node/storage';
import { TaskRegistry } from './node/tasks';

export { ContainerStore } from './guests/container-store';
export type { ApiTokenGrant } from './access/auth';
export type { AclEntry } from './access/acl';
export { ROLES } from './access/privileges';
export type { PctConfig } from './guests/conf-file';
export type { ProxmoxFaults } from './faults';

export interface ProxmoxNodeOptions {
  network: VirtualNetwork;
  timing: LabTiming;
  runtime: ContainerRuntime;
  /** Default 'pve'. */
  nodeName?: string;
  /** The node's own address on vmbr0; default '192.168.2.10'. */
  hostIp?: string;
  apiTokens: ApiTokenGrant[];
  /** Enables POST /access/ticket for root@pam. */
  rootPassword?: string;
  /** OpenSSH public key lines allowed to log in as root over SSH. */
  rootAuthorizedKeys: string[];
  /** The node's kernel settings; default a fresh PVE 8 node's. */
  kernel?: HostKernel;
}

export interface RunningProxmoxNode {
  apiPort: number;
  /** https://127.0.0.1:<port>/ — the API lives under /api2/json. */
  apiUrl: string;
  /** SHA-256 of the pve-ssl.pem the API serves now, 'AA:BB:...' (faults.replaceTlsCertificate changes it). */
  readonly tlsFingerprint: string;
  /** pve-root-ca.pem, the CA that signed pve-ssl.pem. */
  caPem: string;
  sshPort: number;
  sshHostKeyFingerprint: string;
  sshHostPublicKey: string;
  nodeName: string;
  hostIp: string;
  /** Mutating API calls plus mutating host commands served so far (for "changed nothing" proofs). */
  writeCount(): number;
  /** Lab-internal: the node's /etc/pve/lxc, for tests and fault injection. */
  containers: ContainerStore;
  /** Lab-internal: arm lock timeouts, failing tasks, API outages and more (see LIMITATIONS.md, "Faults"). */
  faults: ProxmoxFaults;
  /**
   * Lab-internal: an API token and its ACL entries, as an administrator adds them (`pveum user token add`,
   * `pveum acl modify`); replaces a token of the same id. Not counted as a write: it is not the suite's doing.
   */
  addApiToken(grant: ApiTokenGrant): void;
  stop(): Promise<void>;
}

/** Starts one emulated Proxmox VE 8 node: its HTTPS API and its root SSH, on loopback and on the virtual network. */
export async function startProxmoxNode(options: ProxmoxNodeOptions): Promise<RunningProxmoxNode> {
  const nodeName = options.nodeName ?? 'pve';
  const hostIp = options.hostIp ?? '192.168.2.10';
  let writes = 0;
  const faults = new FaultPlan();
  const ctx: NodeContext = {
    nodeName,
    hostIp,
    network: options.network,
    timing: options.timing,
    runtime: options.runtime,
    store: new ContainerStore(nodeName),
    tasks: new TaskRegistry(nodeName, { timing: options.timing, faults }),
    locks: new ConfigLocks(options.timing, faults),
    faults,
    storage: new NodeStorage(options.runtime, faults),
    startedAt: new Map(),
    kernel: options.kernel ?? new HostKernel(),
    countWrite: () => void (writes += 1),
  };

  // As pvecm creates them: a cluster CA, and a node certificate for the API (pveproxy serves pve-ssl.pem).
  const ca = await createCertificateAuthority('Proxmox Virtual Environment');
  const tls = await issueNodeCertificate(ca, nodeName, hostIp);
  let tlsFingerprint = sha256Fingerprint(tls.certPem);
  const currentFingerprint = () => tlsFingerprint;

  const auth = new ApiAuthenticator(options.apiTokens, options.rootPassword, options.timing);
  const api = await startApiServer({
    auth,
    tls,
    onWrite: ctx.countWrite,
    answerDelayMs: () => faults.apiDelayMs,
    routes: [
      ...accessRoutes(auth),
      ...versionRoutes(),
      ...nodeRoutes(ctx, currentFingerprint),
      ...clusterRoutes(ctx, currentFingerprint),
      ...storageRoutes(ctx),
      ...lxcRoutes(ctx),
      ...taskRoutes(ctx),
    ],
  });
  faults.attachApi({
    stopListening: api.stopListening,
    listenAgain: api.listenAgain,
    replaceCertificate: async () => {
      const renewed = await issueNodeCertificate(ca, nodeName, hostIp);
      api.replaceCertificate(renewed);
      tlsFingerprint = sha256Fingerprint(renewed.certPem);
      return tlsFingerprint;
    },
  });
  let ssh;
  try {
    ssh = await startHostSsh({ shell: new HostShell(ctx), network: options.network, rootAuthorizedKeys: options.rootAuthorizedKeys });
  } catch (error) {
    await api.close();
    throw error;
  }
  const unexpose = [options.network.expose(hostIp, 8006, api.port), options.network.expose(hostIp, 22, ssh.port)];

  return {
    apiPort: api.port,
    apiUrl: `https://127.0.0.1:${api.port}/`,
    get tlsFingerprint() {
      return tlsFingerprint;
    },
    caPem: ca.certPem,
    sshPort: ssh.port,
    sshHostKeyFingerprint: ssh.hostKeyFingerprint,
    sshHostPublicKey: ssh.hostPublicKey,
    nodeName,
    hostIp,
    writeCount: () => writes,
    containers: ctx.store,
    faults,
    addApiToken: (grant) => auth.addToken(grant),
    stop: async () => {
      for (const close of unexpose) close();
      await Promise.all([api.close(), ssh.close()]);
    },
  };
}
