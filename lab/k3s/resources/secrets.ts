import { ALL_VERBS, type ResourceDefinition } from '../apiserver/resource';
import { age, column, count, nameColumn } from '../apiserver/table-output';

export const secrets: ResourceDefinition = {
  group: '', version: 'v1', plural: 'secrets', singular: 'secret', kind: 'Secret', namespaced: true, verbs: ALL_VERBS, subresources: {},
  model: 'V1Secret',
  defaults: (secret) => {
    secret.type ??= 'Opaque';
  },
  fieldLabels: { type: (o) => (o.type as string | undefined) ?? '' },
  printer: {
    columns: [nameColumn(), column('Type'), column('Data', 0, 'string'), column('Age')],
    row: (secret) => [secret.metadata.name, secret.type ?? '', count(secret.data), age(secret)],
  },
};
