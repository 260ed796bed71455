import type { KubeObject } from '../../contracts/kube-object';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import { age, column, nameColumn } from '../apiserver/table-output';
import { containerCells, defaultTemplate, templateCauses } from './pod-templates';
import { selectorString } from './workload-selectors';

/** printReplicaSet: DESIRED, CURRENT, READY; wide adds CONTAINERS, IMAGES, SELECTOR. */
function replicaSetRow(replicaSet: KubeObject): unknown[] {
  const status = replicaSet.status ?? {};
  return [replicaSet.metadata.name, replicaSet.spec?.replicas ?? 0, status.replicas ?? 0, status.readyReplicas ?? 0, age(replicaSet),
    ...containerCells(replicaSet.spec?.template), selectorString(replicaSet.spec?.selector)];
}

export const replicaSets: ResourceDefinition = {
  group: 'apps', version: 'v1', plural: 'replicasets', singular: 'replicaset', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'],
  categories: ['all'], verbs: ALL_VERBS,
  subresources: { status: STATUS_SUBRESOURCE('ReplicaSet') },
  model: 'V1ReplicaSet',
  tracksGeneration: true,
  defaults: (replicaSet) => {
    replicaSet.spec ??= {};
    replicaSet.spec.replicas ??= 1;
    defaultTemplate(replicaSet.spec);
  },
  validate: (replicaSet) => templateCauses(replicaSet.spec),
  printer: {
    columns: [nameColumn(), column('Desired', 0, 'integer'), column('Current', 0, 'integer'), column('Ready', 0, 'integer'), column('Age'),
      column('Containers', 1), column('Images', 1), column('Selector', 1)],
    row: replicaSetRow,
  },
};
