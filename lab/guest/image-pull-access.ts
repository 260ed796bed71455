import { goProxyFor, proxyEndpoint } from '../net/proxy-environment';
import { fullImageName } from '../registry/container-images';
import { registryLocation, registryUnreachableError } from '../registry/image-registry';
import type { GuestView } from './guest-view';

/**
 * Whether this guest's containerd can reach the registry of `image` right now, given the k3s agent's service
 * environment (the unit's EnvironmentFile: HTTP_PROXY, HTTPS_PROXY, NO_PROXY as install.sh's create_env_file
 * copied them). Returns containerd's error as the kubelet reports it (event "Failed to pull image ...: <error>",
 * waiting message of ErrImagePull), or undefined when the pull can go ahead; whether the registry has the image is
 * the registry's business (lab/registry). An image imported from /var/lib/rancher/k3s/agent/images needs no pull.
 *
 * containerd is Go: its resolver takes proxies by ProxyFromEnvironment, and k3s hands it the agent's environment
 * with CONTAINERD_* variables overriding their unprefixed names (k3s pkg/agent/containerd, CONTAINERD_ prefix).
 */
export function containerdPullFailure(view: Pick<GuestView, 'outside' | 'network' | 'images'>, agentEnvironment: Record<string, string>, image: string): string | undefined {
  const full = fullImageName(image);
  if (view.images.has(full)) return undefined;
  const { host, repository, reference } = registryLocation(full);
  const manifest = `https://${host}/v2/${repository}/manifests/${reference}`;
  const failed = (cause: string) => `failed to pull and unpack image "${full}": failed to resolve reference "${full}": failed to do request: Head "${manifest}": ${cause}`;
  const proxy = goProxyFor(new URL(manifest), containerdEnvironment(agentEnvironment));
  if (proxy) {
    const { host: proxyHost, port } = proxyEndpoint(proxy);
    if (view.outside.isProxy(proxyHost, port)) return view.outside.resolve(host) ? undefined : failed(`Service Unavailable`);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(proxyHost) && !view.outside.resolve(proxyHost)) return failed(`proxyconnect tcp: dial tcp: lookup ${proxyHost}: ${lookupError(view)}`);
    const reason = /^\d+\.\d+\.\d+\.\d+$/.test(proxyHost) && view.network.hasHost(proxyHost) ? 'connection refused' : 'no route to host';
    return failed(`proxyconnect tcp: dial tcp ${proxyHost}:${port}: connect: ${reason}`);
  }
  if (view.outside.mode === 'offline') return registryUnreachableError(image);
  const address = view.outside.resolve(host);
  if (!address) return failed(`dial tcp: lookup ${host}: no such host`);
  if (view.outside.direct() === 'dropped') return failed(`dial tcp ${address}:443: connect: connection timed out`);
  return undefined;
}

/** The environment k3s gives containerd: the agent's, with CONTAINERD_X overriding X. */
export function containerdEnvironment(agentEnvironment: Record<string, string>): Record<string, string> {
  const env = { ...agentEnvironment };
  for (const [key, value] of Object.entries(agentEnvironment)) if (key.startsWith('CONTAINERD_')) env[key.slice('CONTAINERD_'.length)] = value;
  return env;
}

/** The resolver's answer without upstream DNS is a temporary failure; with DNS, an unknown name does not exist. */
function lookupError(view: Pick<GuestView, 'outside'>): string {
  return view.outside.mode === 'offline' ? 'Try again' : 'no such host';
}
