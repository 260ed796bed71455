import { ConfigurationError, InputProblem } from '../errors';
import { readAirgapDir, type AirgapArtifacts } from '../k3s/airgap-artifacts';
import { CHANNEL_URL, releaseFromEffectiveUrl } from '../k3s/install-source';
import { SKEW_POLICY, skewViolation } from '../k3s/version-skew';
import type { Target } from '../target/target';

/** The k3s version the agent is installed at, where it comes from, and why: AC2's evidence and the report say so. */
export interface InstallChoice {
  version: string;
  source: 'server' | 'INSTALL_K3S_VERSION' | 'INSTALL_K3S_CHANNEL' | 'K3S_AIRGAP_DIR';
  why: string;
  /** The server's version the choice was checked against. */
  serverVersion: string;
  airgap?: AirgapArtifacts;
}

/**
 * By default the agent gets the server's own version (GET /version), passed as INSTALL_K3S_VERSION: an unpinned
 * install takes whatever k3s's stable channel names that day, usually a kubelet newer than the server. The operator
 * may choose INSTALL_K3S_VERSION, INSTALL_K3S_CHANNEL (resolved to its release now, on the Proxmox host, as install.sh
 * resolves it, and installed as that release) or K3S_AIRGAP_DIR (the release its binary is). A choice the skew
 * policy does not allow is an input problem.
 */
export async function chooseInstall(target: Target): Promise<InstallChoice> {
  const serverVersion = await target.cluster.serverVersion();
  const { version, channel, airgapDir } = target.config.k3s.install;
  let choice: InstallChoice;
  if (airgapDir) {
    const { artifacts, problems } = readAirgapDir(airgapDir);
    if (!artifacts) throw new ConfigurationError(problems);
    choice = { version: artifacts.version, source: 'K3S_AIRGAP_DIR', why: `the release of the k3s binary in K3S_AIRGAP_DIR ${airgapDir}`, serverVersion, airgap: artifacts };
  } else if (version) {
    choice = { version, source: 'INSTALL_K3S_VERSION', why: 'chosen with INSTALL_K3S_VERSION', serverVersion };
  } else if (channel) {
    const release = await resolveChannel(target, channel);
    choice = { version: release, source: 'INSTALL_K3S_CHANNEL', why: `what channel ${channel} names now (INSTALL_K3S_CHANNEL, resolved at ${CHANNEL_URL}/${channel})`, serverVersion };
  } else {
    return { version: serverVersion, source: 'server', why: `pinned to the server's version ${serverVersion} (GET /version)`, serverVersion };
  }
  const violation = skewViolation(choice.version, serverVersion);
  if (violation) throw new ConfigurationError([skewProblem(choice, violation)]);
  return choice;
}

function skewProblem(choice: InstallChoice, violation: string): InputProblem {
  const input = choice.source === 'K3S_AIRGAP_DIR' ? `K3S_AIRGAP_DIR "${choice.airgap?.dir}"` : `${choice.source} (${choice.version})`;
  return {
    input,
    problem: `the agent would run ${choice.version}, ${violation}, which breaks ${SKEW_POLICY}`,
    fix: `install the server's version ${choice.serverVersion} (leave INSTALL_K3S_VERSION, INSTALL_K3S_CHANNEL and K3S_AIRGAP_DIR unset), or upgrade the servers first`,
  };
}

/**
 * install.sh's get_release_version, run on the Proxmox host (a read: curl follows the channel's redirect to the
 * release's page and prints where it ended up). The host, not the worker, because the worker does not exist yet.
 */
async function resolveChannel(target: Target, channel: string): Promise<string> {
  const url = `${CHANNEL_URL}/${channel}`;
  const result = await target.proxmoxHost.exec(`curl -w '%{url_effective}' -L -s -S ${url} -o /dev/null`);
  const release = result.exitCode === 0 ? releaseFromEffectiveUrl(result.stdout) : undefined;
  if (release) return release;
  const why = result.stderr.trim() || (result.exitCode === 0 ? `it led to ${result.stdout.trim()}, which names no release` : `curl exit ${result.exitCode}`);
  throw new ConfigurationError([{
    input: `INSTALL_K3S_CHANNEL "${channel}"`,
    problem: `could not be resolved from the Proxmox host (${url}): ${why}`,
    fix: 'name the release itself with INSTALL_K3S_VERSION, or let the host reach update.k3s.io',
  }]);
}
