import type { Target } from '../target/target';

/** The k3s version the agent is installed at, and why: what AC2's evidence and the report's environment say. */
export interface InstallChoice {
  version: string;
  why: string;
}

/**
 * By default the agent gets the server's own version (GET /version), passed as INSTALL_K3S_VERSION: an unpinned
 * install takes whatever k3s's stable channel names that day, usually a kubelet newer than the server, which the
 * Kubernetes version-skew policy does not allow.
 */
export async function chooseInstall(target: Target): Promise<InstallChoice> {
  const version = await target.cluster.serverVersion();
  return { version, why: `pinned to the server's version ${version} (GET /version)` };
}
