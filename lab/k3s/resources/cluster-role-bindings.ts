import { ALL_VERBS, type ResourceDefinition } from '../apiserver/resource';
import { BINDING_PRINTER, bindingCauses, RBAC_GROUP } from './rbac-validation';

export const clusterRoleBindings: ResourceDefinition = {
  group: RBAC_GROUP, version: 'v1', plural: 'clusterrolebindings', singular: 'clusterrolebinding', kind: 'ClusterRoleBinding', namespaced: false,
  verbs: ALL_VERBS,
  subresources: {},
  model: 'V1ClusterRoleBinding',
  validate: bindingCauses(['ClusterRole']),
  printer: BINDING_PRINTER,
};
