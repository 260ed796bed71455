import * as k8s from '@kubernetes/client-node';
import type { Target } from '../target/target';

/** What a sign-off reader needs to know about where the story ran, as the report's Environment section shows it. */
export async function describeRunEnvironment(target: Target, suiteVersion: string): Promise<Record<string, string>> {
  const [proxmoxVersion, kubernetesVersion, nodes] = await Promise.all([
    target.canBuild ? target.proxmox.version().then((version) => `${version.version} (node ${target.proxmox.node})`, () => 'unknown') : Promise.resolve('not used (no PROXMOX_VE_* variables: this run only reads the cluster)'),
    target.cluster.kubeconfig.makeApiClient(k8s.VersionApi).getCode().then((info) => info.gitVersion, () => 'unknown'),
    target.cluster.core.listNode().then((list) => list.items.map((node) => node.metadata?.name ?? '').sort(), () => []),
  ]);
  return {
    Target: target.kind === 'lab' ? 'embedded lab (default profile)' : `real (${target.config.build?.proxmox.endpoint.host ?? target.cluster.server})`,
    'Proxmox VE': proxmoxVersion,
    k3s: kubernetesVersion,
    Nodes: nodes.join(', '),
    'Suite version': suiteVersion,
  };
}

/** Java-properties text, as Allure reads environment.properties (keys escape spaces and separators). */
export function environmentProperties(entries: Record<string, string>): string {
  const escape = (text: string, key: boolean) => (key ? text.replace(/([ :=\\])/g, '\\$1') : text.replace(/\\/g, '\\\\')).replace(/\n/g, '\\n');
  return Object.entries(entries).map(([key, value]) => `${escape(key, true)}=${escape(value, false)}`).join('\n') + '\n';
}
