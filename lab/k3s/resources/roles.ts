import { ALL_VERBS, type ResourceDefinition } from '../apiserver/resource';
import { RBAC_GROUP, rulesCauses } from './rbac-validation';

/** No printer of its own: the apiserver's default NAME / CREATED AT table. */
export const roles: ResourceDefinition = {
  group: RBAC_GROUP, version: 'v1', plural: 'roles', singular: 'role', kind: 'Role', namespaced: true, verbs: ALL_VERBS, subresources: {},
  model: 'V1Role',
  validate: rulesCauses,
};
