import type { KubeObject } from '../../contracts/kube-object';
import type { KubeletDirectory } from '../../kubelet/container-logs';
import type { VirtualNetwork } from '../../net/virtual-network';
import type { ObjectStore } from './object-store';
import { ApiError, badRequest, failure } from './status-errors';

const KUBELET_PORT = 10250;

/**
 * How kube-apiserver serves `pods/<name>/log`: it connects to the kubelet of the pod's node (the Node's InternalIP,
 * port 10250, /containerLogs/<ns>/<pod>/<container>) and streams what it answers. The kubelet refuses a container
 * that has not started (`container "x" in pod "y" is waiting to start: <reason>`, passed on as 400 BadRequest); a
 * kubelet that cannot be reached is a 500 whose message is the dial error (ErrorToAPIStatus: no reason).
 */
export function kubeletLogReader(store: ObjectStore, kubelets: KubeletDirectory, network: VirtualNetwork) {
  return async (pod: KubeObject, container: string, options: { tailLines?: number; timestamps?: boolean }): Promise<string> => {
    const nodeName: string = pod.spec.nodeName;
    const node = store.get('nodes', undefined, nodeName);
    const address = (node?.status?.addresses ?? []).find((a: { type: string }) => a.type === 'InternalIP')?.address ?? nodeName;
    const url = `https://${address}:${KUBELET_PORT}/containerLogs/${pod.metadata.namespace}/${pod.metadata.name}/${container}`;
    const kubelet = kubelets.find(nodeName);
    if (!network.hasHost(address)) throw dialError(url, address, 'no route to host');
    if (!kubelet) throw dialError(url, address, 'connection refused');
    const status = ((pod.status?.containerStatuses ?? []) as Array<{ name: string; state?: { waiting?: { reason?: string } } }>).find((s) => s.name === container);
    if (!status || status.state?.waiting) {
      throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${status?.state?.waiting?.reason ?? 'ContainerCreating'}`);
    }
    return kubelet.logs.read(pod.metadata.uid!, container, options);
  };
}

function dialError(url: string, address: string, why: string): ApiError {
  const { reason: _unknown, ...status } = failure(500, '', `Get "${url}": dial tcp ${address}:${KUBELET_PORT}: connect: ${why}`);
  return new ApiError(status as ReturnType<typeof failure>);
}
