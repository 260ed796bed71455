import * as k8s from '@kubernetes/client-node';
import type { InstallChoice } from '../provisioning/install-choice';
import type { Target } from '../target/target';

/**
 * What a sign-off reader needs to know about where the story ran, as the report's Environment section shows it: the
 * target (and, on the lab, its timing), the versions, the Proxmox node, and how the agent was installed (when the run
 * decided it: a run that builds nothing installs nothing).
 */
export async function describeRunEnvironment(target: Target, conditions: string, suiteVersion: string, installChoice?: Promise<InstallChoice>): Promise<Record<string, string>> {
  const [proxmoxVersion, kubernetesVersion, nodes, install] = await Promise.all([
    target.canBuild ? target.proxmox.version().then((version) => `${version.version} (node ${target.proxmox.node})`, () => 'unknown') : Promise.resolve('not used (no PROXMOX_VE_* variables: this run only reads the cluster)'),
    target.cluster.kubeconfig.makeApiClient(k8s.VersionApi).getCode().then((info) => info.gitVersion, () => 'unknown'),
    target.cluster.core.listNode().then((list) => list.items.map((node) => node.metadata?.name ?? '').sort(), () => []),
    installChoice ? installChoice.then((choice) => `${choice.version}, ${choice.why}`, (error: Error) => `not decided: ${error.message}`) : Promise.resolve('none (this run installed no agent)'),
  ]);
  return {
    Target: target.kind === 'lab' ? `${conditions} (default profile)` : `real (${target.config.build?.proxmox.endpoint.host ?? target.cluster.server})`,
    'Proxmox VE': proxmoxVersion,
    k3s: kubernetesVersion,
    'k3s agent install': install,
    Nodes: nodes.join(', '),
    'Suite version': suiteVersion,
  };
}
