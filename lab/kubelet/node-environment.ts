import { ImageRegistry } from '../registry/image-registry';
import { KubeletDirectory } from './container-logs';

/**
 * What a node's kubelet reaches in the lab besides the API server: the image registries, and the directory through
 * which the API server finds the kubelets (for pod logs). One per lab, handed to the k3s server (for its own
 * kubelet) and to the guests (for their agents' kubelets), so all nodes see the same registries, and a registry
 * outage on one lab never reaches another.
 */
export interface NodeEnvironment {
  registry: ImageRegistry;
  kubelets: KubeletDirectory;
}

export function createNodeEnvironment(): NodeEnvironment {
  return { registry: new ImageRegistry(), kubelets: new KubeletDirectory() };
}
