import { K3S_VERSION } from '../contracts/k3s-join';
import { k3sRelease } from '../net/k3s-releases';
import type { LxcGuestConfig } from '../contracts/container-runtime';
import { guestAddress, visibleCores } from './guest-view';
import { PVE_KERNEL } from './templates';

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

export const CNI_NOT_READY =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

/** The kubelet's condition set: pressure conditions are fine in the lab; Ready waits for flannel's CNI config. */
export function nodeConditions(networkReady: boolean, previous: NodeCondition[] | undefined, now = new Date()): NodeCondition[] {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const wanted: Array<Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>> = [
    { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    networkReady
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: CNI_NOT_READY },
  ];
  return wanted.map((condition) => {
    const before = previous?.find((p) => p.type === condition.type);
    const transition = before && before.status === condition.status ? before.lastTransitionTime : stamp;
    return { ...condition, lastHeartbeatTime: stamp, lastTransitionTime: transition };
  });
}

/** The kubelet's --max-pods default. */
export const DEFAULT_MAX_PODS = 110;

/**
 * The Node object the k3s agent's kubelet registers (labels and annotations as k3s sets them on an agent).
 * `maxPods` is the kubelet's --max-pods: it becomes `pods` in capacity and allocatable. `version` is the k3s release
 * the agent runs: its kubelet version and containerd (status.nodeInfo).
 */
export function nodeObject(nodeName: string, config: LxcGuestConfig, osImage: string, conditions: NodeCondition[], maxPods = DEFAULT_MAX_PODS, version = K3S_VERSION) {
  const ip = guestAddress(config)?.ip ?? '';
  const memory = `${config.memoryMiB * 1024}Ki`;
  const storage = `${Math.floor(config.rootfsGiB * 1024 * 1024 * 0.984)}Ki`;
  const capacity = { cpu: String(visibleCores(config)), memory, pods: String(maxPods), 'ephemeral-storage': storage, 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: nodeName,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/instance-type': 'k3s',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': nodeName,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'k3s',
      },
      annotations: {
        'flannel.alpha.coreos.com/backend-type': 'vxlan',
        'flannel.alpha.coreos.com/public-ip': ip,
        'k3s.io/hostname': config.hostname,
        'k3s.io/internal-ip': ip,
        'k3s.io/node-args': '["agent"]',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { providerID: `k3s://${nodeName}` },
    status: nodeStatus(nodeName, config, osImage, conditions, capacity, version),
  };
}

function nodeStatus(nodeName: string, config: LxcGuestConfig, osImage: string, conditions: NodeCondition[], capacity: Record<string, string>, version: string) {
  const ip = guestAddress(config)?.ip ?? '';
  return {
    capacity,
    allocatable: capacity,
    conditions,
    addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: nodeName }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: hex(config.vmid, 32),
      systemUUID: hex(config.vmid + 1, 32),
      bootID: hex(Date.now(), 32),
      kernelVersion: PVE_KERNEL.release,
      osImage,
      containerRuntimeVersion: k3sRelease(version).containerd,
      kubeletVersion: version,
      kubeProxyVersion: version,
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

function hex(seed: number, length: number): string {
  let out = '';
  let value = seed;
  while (out.length < length) {
    value = (value * 1103515245 + 12345) % 2147483648;
    out += value.toString(16);
  }
  return out.slice(0, length);
}
