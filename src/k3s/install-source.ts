/**
 * Where the agent's k3s comes from, as the operator chose it with k3s's own variable names: the server's version
 * (default), INSTALL_K3S_VERSION, INSTALL_K3S_CHANNEL, or the artifacts in K3S_AIRGAP_DIR; and the proxy a worker
 * without direct internet goes through (WORKER_HTTP_PROXY, WORKER_HTTPS_PROXY, WORKER_NO_PROXY).
 */
export interface InstallSource {
  version?: string;
  channel?: string;
  airgapDir?: string;
}

export interface WorkerProxy {
  http?: string;
  https?: string;
  noProxy?: string;
}

/** k3s's channel server (install.sh CHANNEL_URL); a channel resolves to a release through its redirect. */
export const CHANNEL_URL = 'https://update.k3s.io/v1-release/channels';

/** The release a channel's effective URL names (install.sh get_release_version: everything after the last `/`). */
export function releaseFromEffectiveUrl(url: string): string | undefined {
  const release = url.trim().replace(/.*\//, '');
  return /^v\d+\.\d+\.\d+/.test(release) ? release : undefined;
}

/**
 * NO_PROXY for the worker when the operator gives none: loopback, the control plane, the worker's own subnet, and
 * k3s's default cluster and service CIDRs and DNS domain, so cluster traffic never goes through the proxy. Literal
 * addresses for curl 7.81 (which matches no CIDR), CIDRs for containerd (Go's httpproxy matches them).
 */
export function defaultNoProxy(controlPlaneHost: string, workerSubnet: string): string {
  return ['127.0.0.1', 'localhost', controlPlaneHost, workerSubnet, '10.42.0.0/16', '10.43.0.0/16', '.svc', '.cluster.local'].join(',');
}
