import { ALL_VERBS, type ResourceDefinition } from '../apiserver/resource';
import { BINDING_PRINTER, bindingCauses, RBAC_GROUP } from './rbac-validation';

export const roleBindings: ResourceDefinition = {
  group: RBAC_GROUP, version: 'v1', plural: 'rolebindings', singular: 'rolebinding', kind: 'RoleBinding', namespaced: true, verbs: ALL_VERBS,
  subresources: {},
  model: 'V1RoleBinding',
  validate: bindingCauses(['Role', 'ClusterRole']),
  printer: BINDING_PRINTER,
};
