import { randomUUID } from 'node:crypto';
import { CONTAINERD_VERSION, K3S_VERSION } from '../../contracts/k3s-join';
import { kubeTime, type Condition, type KubeObject } from '../../contracts/kube-object';

/** The four conditions a healthy kubelet posts, with the real reasons and messages (kubelet nodestatus setters). */
export function healthyNodeConditions(now = kubeTime(), since = now): Condition[] {
  const pressure = (type: string, reason: string, message: string): Condition => ({
    type, status: 'False', lastHeartbeatTime: now, lastTransitionTime: since, reason, message,
  });
  return [
    pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    { type: 'Ready', status: 'True', lastHeartbeatTime: now, lastTransitionTime: since, reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  ];
}

export interface ServerNodeOptions {
  name: string;
  ip: string;
  podCidr: string;
  /** The server machine's size; default 4 CPUs and 8 GiB, the worker's size in the story. */
  size?: MasterSize;
}

/** `npm run lab -- --k3s-master cpus=16,memory=64GB`: the server machine's CPUs and memory (MiB). */
export interface MasterSize {
  cpus: number;
  memoryMiB: number;
}

export const DEFAULT_MASTER_SIZE: MasterSize = { cpus: 4, memoryMiB: 8192 };

/** What the kubelet reports as memory capacity: the kernel's MemTotal, a little below the machine's size (8 GiB -> 8148180Ki). */
function memTotalKi(memoryMiB: number): string {
  return `${Math.floor(memoryMiB * 1024 * (8148180 / (8192 * 1024)))}Ki`;
}

/** The Node object of the k3s server itself: control-plane and master roles, schedulable (no taint). */
export function serverNode({ name, ip, podCidr, size = DEFAULT_MASTER_SIZE }: ServerNodeOptions): KubeObject {
  const capacity = { cpu: String(size.cpus), 'ephemeral-storage': '50620216Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: memTotalKi(size.memoryMiB), pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/instance-type': 'k3s', 'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux',
        'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true', 'node.kubernetes.io/instance-type': 'k3s',
      },
      annotations: {
        'alpha.kubernetes.io/provided-node-ip': ip,
        'flannel.alpha.coreos.com/backend-type': 'vxlan',
        'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
        'flannel.alpha.coreos.com/public-ip': ip,
        'k3s.io/hostname': name,
        'k3s.io/internal-ip': ip,
        'k3s.io/node-args': '["server"]',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: podCidr, podCIDRs: [podCidr], providerID: `k3s://${name}` },
    status: {
      capacity,
      allocatable: { ...capacity, 'ephemeral-storage': '49243324708' },
      conditions: healthyNodeConditions(),
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: randomUUID().replace(/-/g, ''), systemUUID: randomUUID(), bootID: randomUUID(),
        kernelVersion: '5.15.0-131-generic', osImage: 'Ubuntu 22.04.5 LTS', containerRuntimeVersion: CONTAINERD_VERSION,
        kubeletVersion: K3S_VERSION, operatingSystem: 'linux', architecture: 'amd64',
      },
      images: [],
    },
  };
}
