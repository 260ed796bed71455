import { ALL_VERBS, type ResourceDefinition } from '../apiserver/resource';
import { age, column, count, nameColumn } from '../apiserver/table-output';

export const configMaps: ResourceDefinition = {
  group: '', version: 'v1', plural: 'configmaps', singular: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], verbs: ALL_VERBS,
  subresources: {},
  model: 'V1ConfigMap',
  printer: {
    columns: [nameColumn(), column('Data', 0, 'string'), column('Age')],
    row: (cm) => [cm.metadata.name, count(cm.data) + count(cm.binaryData), age(cm)],
  },
};
