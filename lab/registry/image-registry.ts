import { fullImageName } from './container-images';

/** Images the lab's registries hold by default; pulling anything else fails as a missing image does. */
export const PUBLISHED_IMAGES = [
  'nginx:alpine', 'nginx:latest', 'nginx', 'docker.io/library/nginx:alpine', 'busybox', 'busybox:latest',
  'registry.k8s.io/pause:3.10',
  // What k3s v1.34 pulls from docker.io for its add-ons (k3s-io/k3s scripts/airgap/image-list.txt).
  'rancher/klipper-helm:v0.9.12-build20251215', 'rancher/klipper-lb:v0.4.13', 'rancher/local-path-provisioner:v0.0.32',
  'rancher/mirrored-coredns-coredns:1.13.1', 'rancher/mirrored-library-busybox:1.37.0', 'rancher/mirrored-library-traefik:3.5.1',
  'rancher/mirrored-metrics-server:v0.8.0', 'rancher/mirrored-pause:3.6',
];

/**
 * The public registries (Docker Hub, registry.k8s.io) as every node of one lab reaches them: one per lab, handed to
 * the k3s server's kubelet and to every guest's, so an outage is seen by whichever kubelet pulls.
 */
export class ImageRegistry {
  private reachable = true;
  private readonly images: Set<string>;

  /** `images`: what the registries hold; pulling anything else fails as a missing image does. */
  constructor(images: readonly string[] = PUBLISHED_IMAGES) {
    this.images = new Set(images.map(fullImageName));
  }

  /** Lab fault: from now on no node resolves the registries' hosts (DNS fails), until set back. */
  setReachable(reachable: boolean): void {
    this.reachable = reachable;
  }

  get isReachable(): boolean {
    return this.reachable;
  }

  /**
   * containerd's error for pulling `image` right now, as the kubelet reports it (event "Failed to pull image ...",
   * waiting message of ErrImagePull), or undefined when the pull succeeds.
   */
  pullError(image: string): string | undefined {
    if (!this.reachable) return registryUnreachableError(image);
    return this.images.has(fullImageName(image)) ? undefined : imageNotFoundError(image);
  }
}

/**
 * The registry does not have the image: containerd's resolver answers errdefs.ErrNotFound, which the CRI maps to
 * gRPC NotFound, so the kubelet keeps the `rpc error: code = NotFound desc =` prefix.
 */
export function imageNotFoundError(image: string): string {
  const full = fullImageName(image);
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`;
}

/**
 * The node cannot resolve the registry's host. k3s's containerd uses the libc (musl) resolver, whose EAI_AGAIN reads
 * "Try again" (containerd/containerd#10709 on containerd v1.7.20-k3s1, k3s-io/k3s#1629). The error reaches the
 * kubelet as gRPC Unknown, and k8s.io/cri-client's PullImage strips the code from Unknown errors, so no
 * `rpc error:` prefix. The resolver asks for the manifest with HEAD first (core/remotes/docker/resolver.go).
 */
export function registryUnreachableError(image: string): string {
  const full = fullImageName(image);
  const { host, repository, reference } = registryLocation(full);
  return `failed to pull and unpack image "${full}": failed to resolve reference "${full}": failed to do request: `
    + `Head "https://${host}/v2/${repository}/manifests/${reference}": dial tcp: lookup ${host}: Try again`;
}

/** `docker.io/library/nginx:alpine` -> registry-1.docker.io, library/nginx, alpine (containerd's default docker.io host). */
export function registryLocation(full: string): { host: string; repository: string; reference: string } {
  const [domain, ...rest] = full.split('/');
  const path = rest.join('/');
  const at = path.indexOf('@');
  const colon = path.lastIndexOf(':');
  const [repository, reference] = at >= 0 ? [path.slice(0, at).replace(/:[^/]*$/, ''), path.slice(at + 1)] : [path.slice(0, colon), path.slice(colon + 1)];
  return { host: domain === 'docker.io' ? 'registry-1.docker.io' : domain, repository, reference };
}
