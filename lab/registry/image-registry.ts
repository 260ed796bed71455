import { AVAILABLE_IMAGES } from '../contracts/k3s-join';
import { fullImageName } from './container-images';

/**
 * The public registries (Docker Hub, registry.k8s.io) as every node's containerd reaches them. They sit outside any
 * one lab server, so the outage switch is process-wide: whichever kubelet pulls (the server's own, or a guest
 * worker's) reads the same state. Each server arms it under its own token, so stopping one server cannot end
 * another's outage.
 */
const outages = new Set<object>();

export const registryOutage = {
  begin(owner: object): void {
    outages.add(owner);
  },
  end(owner: object): void {
    outages.delete(owner);
  },
  get active(): boolean {
    return outages.size > 0;
  },
};

/**
 * containerd's error for pulling `image` right now, as the kubelet reports it (event "Failed to pull image ...",
 * waiting message of ErrImagePull), or undefined when the pull succeeds.
 */
export function imagePullError(image: string): string | undefined {
  if (outages.size > 0) return registryUnreachableError(image);
  const wanted = fullImageName(image);
  return AVAILABLE_IMAGES.some((known) => fullImageName(known) === wanted) ? undefined : imageNotFoundError(image);
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
