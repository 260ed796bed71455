import { ALL_VERBS, type ResourceDefinition } from '../apiserver/resource';
import { RBAC_GROUP, rulesCauses } from './rbac-validation';

/** No printer of its own: the apiserver's default NAME / CREATED AT table. */
export const clusterRoles: ResourceDefinition = {
  group: RBAC_GROUP, version: 'v1', plural: 'clusterroles', singular: 'clusterrole', kind: 'ClusterRole', namespaced: false, verbs: ALL_VERBS, subresources: {},
  model: 'V1ClusterRole',
  validate: rulesCauses,
};
