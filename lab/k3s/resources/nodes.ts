import { findCondition, type Condition, type KubeObject } from '../../contracts/kube-object';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import { age, column, nameColumn } from '../apiserver/table-output';
import { nextPodCidr } from '../controllers/node-ipam';

function nodeRow(node: KubeObject): unknown[] {
  const ready = findCondition(node.status?.conditions as Condition[], 'Ready');
  let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (node.spec?.unschedulable) status += ',SchedulingDisabled';
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((label) => label.startsWith('node-role.kubernetes.io/')).map((label) => label.slice('node-role.kubernetes.io/'.length)).sort();
  const address = (type: string) => (node.status?.addresses ?? []).find((a: { type: string }) => a.type === type)?.address ?? '<none>';
  const info = node.status?.nodeInfo ?? {};
  return [node.metadata.name, status, roles.join(',') || '<none>', age(node), info.kubeletVersion ?? '', address('InternalIP'), address('ExternalIP'),
    info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>'];
}

export const nodes: ResourceDefinition = {
  group: '', version: 'v1', plural: 'nodes', singular: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], verbs: ALL_VERBS,
  subresources: { status: STATUS_SUBRESOURCE('Node') },
  model: 'V1Node',
  prepareForCreate(node, { store }) {
    node.spec ??= {};
    // The node IPAM controller's job, done at registration so the kubelet can address pods at once.
    if (!node.spec.podCIDR) {
      node.spec.podCIDR = nextPodCidr(store);
      node.spec.podCIDRs = [node.spec.podCIDR];
    }
  },
  fieldLabels: { 'spec.unschedulable': (o) => String(o.spec?.unschedulable ?? false) },
  printer: {
    columns: [nameColumn(), column('Status'), column('Roles'), column('Age'), column('Version'), column('Internal-IP', 1),
      column('External-IP', 1), column('OS-Image', 1), column('Kernel-Version', 1), column('Container-Runtime', 1)],
    row: nodeRow,
  },
};
