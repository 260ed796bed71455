import { eventName } from '../contracts/event-names';
import { kubeTime, type KubeObject } from '../contracts/kube-object';
import type { ContainerLogs } from '../kubelet/container-logs';
import type { PodHost } from '../kubelet/pod-lifecycle';
import type { ImageRegistry } from '../registry/image-registry';
import type { LabTiming } from '../timing';
import type { KubeApi } from './kube-api';

/**
 * The shared pod lifecycle's view of an agent's node (lab/kubelet/pod-lifecycle.ts): everything goes through the
 * Kubernetes API with the kubelet's client certificate, as the real kubelet's status manager and event recorder do.
 */
export interface AgentNode {
  nodeName: string;
  hostIp: string;
  kernelRelease: string;
  cpus: number;
}

export function apiPodHost(
  api: KubeApi, node: AgentNode, timing: LabTiming, registry: ImageRegistry, containerLogs: ContainerLogs, pulledImages: Set<string>, signal: AbortSignal,
  registryReach?: (image: string) => string | undefined,
): PodHost {
  const { nodeName, hostIp } = node;
  let podCidr: string | undefined;
  let nextHost = 2;
  return {
    nodeName,
    hostIp,
    timing,
    registry,
    pulledImages,
    registryReach,
    containerLogs,
    kernelRelease: node.kernelRelease,
    cpus: node.cpus,
    // Pod addresses come from the node's podCIDR (assigned by the server), else flannel's usual 10.42.1.0/24.
    async allocatePodIp() {
      if (!podCidr) podCidr = (await api.request('GET', `/api/v1/nodes/${nodeName}`, undefined, 'application/json', signal)).json?.spec?.podCIDR;
      const base = (podCidr ?? '10.42.1.0/24').split('/')[0].split('.').slice(0, 3).join('.');
      return `${base}.${nextHost++}`;
    },
    async patchPodStatus(pod, status) {
      const { namespace, name } = pod.metadata;
      await api.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, { status }, 'application/merge-patch+json', signal);
    },
    async recordEvent(pod, event) {
      const { namespace, name, uid } = pod.metadata;
      const now = kubeTime();
      await api.request('POST', `/api/v1/namespaces/${namespace}/events`, {
        apiVersion: 'v1', kind: 'Event',
        metadata: { name: eventName(name), namespace },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace, name, uid, ...(event.fieldPath ? { fieldPath: event.fieldPath } : {}) },
        reason: event.reason, message: event.message, type: event.type, count: 1, firstTimestamp: now, lastTimestamp: now,
        source: { component: 'kubelet', host: nodeName }, reportingComponent: 'kubelet', reportingInstance: nodeName,
      }, 'application/json', signal);
    },
    async deletePod(pod: KubeObject) {
      const { namespace, name, uid } = pod.metadata;
      const result = await api.request('DELETE', `/api/v1/namespaces/${namespace}/pods/${name}?gracePeriodSeconds=0`,
        { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid } }, 'application/json', signal);
      // A pod already gone (404) or replaced (409 on the uid precondition) is not this kubelet's to finish.
      if (result.status >= 400 && result.status !== 404 && result.status !== 409) {
        throw new Error(`"Failed to delete pod" pod="${namespace}/${name}" err="status ${result.status}: ${result.json?.message ?? ''}"`);
      }
    },
  };
}
