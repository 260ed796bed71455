import * as k8s from '@kubernetes/client-node';
import { chooseInstall } from '../story/install-choice';
import type { Target } from '../target/target';

/**
 * What a sign-off reader needs to know about where the story ran, as the report's Environment section shows it: the
 * target (and, on the lab, its timing), the versions, the Proxmox node, and how the agent was installed.
 */
export async function describeRunEnvironment(target: Target, conditions: string, suiteVersion: string): Promise<Record<string, string>> {
  const [proxmoxVersion, kubernetesVersion, nodes, install] = await Promise.all([
    target.proxmox.version().then((version) => version.version, () => 'unknown'),
    target.cluster.kubeconfig.makeApiClient(k8s.VersionApi).getCode().then((info) => info.gitVersion, () => 'unknown'),
    target.cluster.core.listNode().then((list) => list.items.map((node) => node.metadata?.name ?? '').sort(), () => []),
    chooseInstall(target).then((choice) => `${choice.version}, ${choice.why}`, (error: Error) => `not decided: ${error.message}`),
  ]);
  return {
    Target: target.kind === 'lab' ? `${conditions} (default profile)` : `real (${target.config.proxmox.endpoint.host})`,
    'Proxmox VE': `${proxmoxVersion} (node ${target.proxmox.node})`,
    k3s: kubernetesVersion,
    'k3s agent install': install,
    Nodes: nodes.join(', '),
    'Suite version': suiteVersion,
  };
}
