import { VirtualNetwork } from '../../../lab/net/virtual-network';
import { generateEd25519KeyPair } from '../../../lab/pki/ssh-keys';
import { defaultCapacity, startProxmoxCluster, type RunningProxmoxCluster } from '../../../lab/proxmox';
import { LabTiming } from '../../../lab/timing';
import { FakeContainerRuntime } from './fake-container-runtime';
import { apiClient, ROOT_PASSWORD, TOKEN_ID, TOKEN_SECRET, type TestNode } from './test-node';

export interface TestCluster {
  cluster: RunningProxmoxCluster;
  runtime: FakeContainerRuntime;
  network: VirtualNetwork;
  operatorKey: { private: string; public: string };
  /** The API of pve1, the node a client's endpoint names. */
  api: TestNode['api'];
  waitTask: TestNode['waitTask'];
  stop(): Promise<void>;
}

/** A cluster `lab` of pve1…pveN (at 192.168.2.10…), each with its default capacity, on a fake container runtime. */
export async function startTestCluster(count = 3): Promise<TestCluster> {
  const network = new VirtualNetwork();
  const runtime = new FakeContainerRuntime();
  const operatorKey = generateEd25519KeyPair('operator@test');
  const cluster = await startProxmoxCluster({
    network,
    timing: new LabTiming(0),
    runtime,
    name: 'lab',
    nodes: Array.from({ length: count }, (_, i) => ({ name: `pve${i + 1}`, hostIp: `192.168.2.${10 + i}`, capacity: defaultCapacity(i) })),
    apiTokens: [{ tokenId: TOKEN_ID, secret: TOKEN_SECRET }],
    rootPassword: ROOT_PASSWORD,
    rootAuthorizedKeys: [operatorKey.public],
  });
  const { api, waitTask, close } = apiClient(cluster.nodes[0]);
  return {
    cluster,
    runtime,
    network,
    operatorKey,
    api,
    waitTask,
    stop: async () => {
      await cluster.stop();
      await close();
    },
  };
}
