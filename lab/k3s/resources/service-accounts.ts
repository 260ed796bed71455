import { ALL_VERBS, type ResourceDefinition } from '../apiserver/resource';
import { age, column, nameColumn } from '../apiserver/table-output';

export const serviceAccounts: ResourceDefinition = {
  group: '', version: 'v1', plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'],
  verbs: ALL_VERBS,
  subresources: {},
  model: 'V1ServiceAccount',
  printer: {
    columns: [nameColumn(), column('Secrets', 0, 'string'), column('Age')],
    row: (sa) => [sa.metadata.name, ((sa.secrets ?? []) as unknown[]).length, age(sa)],
  },
};
