import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createNodeEnvironment, type NodeEnvironment } from '../kubelet/node-environment';
import type { VirtualNetwork } from '../net/virtual-network';
import type { ImageRegistry } from '../registry/image-registry';
import type { LabTiming } from '../timing';
import { ApiRouter, type WriteRecord } from './apiserver/api-router';
import { kubeletLogReader } from './apiserver/kubelet-logs';
import { ObjectStore } from './apiserver/object-store';
import type { ServiceAccounts } from './apiserver/service-account-tokens';
import { DaemonSetController } from './controllers/daemon-set-controller';
import { DeploymentController } from './controllers/deployment-controller';
import { DisruptionController } from './controllers/disruption-controller';
import { GarbageCollector } from './controllers/garbage-collector';
import { NamespaceController } from './controllers/namespace-controller';
import { PodGarbageCollector } from './controllers/pod-garbage-collector';
import { NodeLifecycleController } from './controllers/node-lifecycle-controller';
import { ReplicaSetController } from './controllers/replica-set-controller';
import { Scheduler } from './controllers/scheduler';
import { ServiceAccountController } from './controllers/service-account-controller';
import { createClusterPki, type ServerCaKind } from './server/cluster-pki';
import { seedCluster } from './server/cluster-seed';
import { renderKubeconfig } from './server/kubeconfig';
import type { MasterSize } from './server/server-node';
import { MasterKubelet } from './server/master-kubelet';
import { NodePasswordController } from './server/node-password-controller';
import { serverFaults, type K3sFaults } from './server/server-faults';
import { Supervisor } from './server/supervisor';

export { ObjectStore } from './apiserver/object-store';
export type { StoreEvent } from './apiserver/object-store';
export type { KubeObject } from '../contracts/kube-object';
export type { WriteRecord } from './apiserver/api-router';
export { healthyNodeConditions, type MasterSize } from './server/server-node';
export type { ServerCaKind } from './server/cluster-pki';
export { addNodeLikeServer } from './server/extra-node';
export type { K3sFaults } from './server/server-faults';

export interface K3sServerOptions {
  network: VirtualNetwork;
  timing: LabTiming;
  /** The lab's registries and kubelet directory, shared with the guests' kubelets; a fresh one when omitted. */
  node?: NodeEnvironment;
  /** The server's address on the lab network (K3S_URL's host). */
  serverIp?: string;
  port?: number;
  nodeName?: string;
  /** The server machine's CPUs and memory (default 4 CPUs, 8 GiB), as `--k3s-master cpus=16,memory=64GB` sets them. */
  master?: MasterSize;
  /** k3s's own self-signed server CA (default), or a custom CA's intermediate and root bundle (`--k3s-ca bundle`). */
  ca?: ServerCaKind;
}

export interface RunningK3sServer {
  /** The HTTPS listener on 127.0.0.1 behind the virtual address. */
  loopbackPort: number;
  /** `https://<serverIp>:<port>`, what agents use as K3S_URL. */
  url: string;
  /** `K10<hash of the CA bundle, as k3s's hashCA makes it>::server:<password>` (/var/lib/rancher/k3s/server/node-token). */
  token: string;
  caBundlePem: string;
  /** /etc/rancher/k3s/k3s.yaml, pointing at the loopback listener. */
  kubeconfig(): string;
  /** The cluster state, for lab-internal checks and fault injection. */
  store: ObjectStore;
  /** The registries this server's kubelet pulls from (the lab's, when started by startLab). */
  registry: ImageRegistry;
  /** Mutating API requests served (create, update, patch, delete, deletecollection), from any caller. */
  writeCount(): number;
  /** The same requests with who made them, so a proof of "no writes" can leave the kubelets' heartbeats out. */
  writes(): readonly WriteRecord[];
  /**
   * Lab hook: ends every open watch stream abruptly (destroys its socket, no final chunk), as a network drop or an
   * apiserver restart would, and returns how many it ended. Clients must notice and resume their watch.
   */
  dropWatches(): number;
  /** ServiceAccount tokens, for a client that runs "in the cluster" (a CronJob's pod); RBAC decides what it may do. */
  serviceAccounts: ServiceAccounts;
  /** Lab hooks that make the server misbehave as a real one can (throttling, registry outage, pod capacity). */
  faults: K3sFaults;
  stop(): Promise<void>;
}

/**
 * Starts an emulated k3s v1.34 server: the Kubernetes API server (apiserver/, resources/), the controllers and
 * scheduler (controllers/), and k3s's own parts (server/: supervisor, node passwords, PKI, seed, its kubelet).
 */
export async function startK3sServer(options: K3sServerOptions): Promise<RunningK3sServer> {
  const serverIp = options.serverIp ?? '192.168.2.20';
  const port = options.port ?? 6443;
  const nodeName = options.nodeName ?? 'k3s-master';
  const node = options.node ?? createNodeEnvironment();
  const pki = await createClusterPki(serverIp, nodeName, options.ca);
  const store = new ObjectStore();

  const api = new ApiRouter({
    store, timing: options.timing, serverAddress: `${serverIp}:${port}`,
    containerLog: kubeletLogReader(store, node.kubelets, options.network),
  });
  const seeded = seedCluster(api.context, { nodeName, serverIp, size: options.master });
  const supervisor = new Supervisor(store, pki, `${serverIp}:${port}`);
  const server = https.createServer(
    { key: pki.serving.keyPem, cert: pki.serving.certPem, ca: pki.clientCa.certPem, requestCert: true, rejectUnauthorized: false },
    (request, response) => {
      void (async () => {
        if (!(await supervisor.handle(request, response))) await api.handle(request, response);
      })().catch((error) => {
        if (!response.headersSent) response.writeHead(500);
        response.end(String((error as Error).message));
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const loopbackPort = (server.address() as AddressInfo).port;
  const unexpose = options.network.expose(serverIp, port, loopbackPort);

  const kubelet = new MasterKubelet(store, options.timing, { nodeName, hostIp: serverIp, usedPodIps: seeded.podIps, images: seeded.images, node });
  const controllers = [
    new NodeLifecycleController(store, options.timing), new PodGarbageCollector(store), new ServiceAccountController(store),
    new NamespaceController(store), new GarbageCollector(api.context), new DeploymentController(api.context), new ReplicaSetController(api.context),
    new DaemonSetController(api.context), new DisruptionController(api.context), new NodePasswordController(store, options.timing),
    new Scheduler(store), kubelet,
  ];
  const faults = serverFaults(api.throttle, kubelet, node.registry);

  let stopped: Promise<void> | undefined;
  return {
    loopbackPort,
    url: `https://${serverIp}:${port}`,
    token: pki.token,
    caBundlePem: pki.caBundlePem,
    kubeconfig: () => renderKubeconfig({
      server: `https://127.0.0.1:${loopbackPort}`, caPem: pki.caBundlePem, clientCertPem: pki.admin.certPem, clientKeyPem: pki.admin.keyPem,
    }),
    store,
    registry: node.registry,
    writeCount: () => api.writes.length,
    writes: () => api.writes,
    dropWatches: () => api.dropWatches(),
    serviceAccounts: api.serviceAccounts,
    faults,
    stop() {
      stopped ??= (async () => {
        faults.clear();
        unexpose();
        for (const controller of controllers) controller.stop();
        api.closeWatches();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopped;
    },
  };
}
