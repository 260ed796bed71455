import { ImageRegistry } from '../registry/image-registry';

/**
 * What a node's kubelet reaches in the lab besides the API server: the image registries. One per lab, handed to
 * the k3s server (for its own kubelet) and to the guests (for their agents' kubelets), so all nodes see the same
 * registries, and a registry outage on one lab never reaches another.
 */
export interface NodeEnvironment {
  registry: ImageRegistry;
}

export function createNodeEnvironment(): NodeEnvironment {
  return { registry: new ImageRegistry() };
}
