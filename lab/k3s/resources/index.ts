import type { ResourceDefinition } from '../apiserver/resource';
import { clusterRoleBindings } from './cluster-role-bindings';
import { clusterRoles } from './cluster-roles';
import { configMaps } from './config-maps';
import { cronJobs } from './cron-jobs';
import { daemonSets } from './daemon-sets';
import { deployments } from './deployments';
import { events } from './events';
import { leases } from './leases';
import { namespaces } from './namespaces';
import { nodes } from './nodes';
import { persistentVolumeClaims } from './persistent-volume-claims';
import { podDisruptionBudgets } from './pod-disruption-budgets';
import { jobs } from './jobs';
import { pods } from './pods';
import { replicaSets } from './replica-sets';
import { roleBindings } from './role-bindings';
import { roles } from './roles';
import { secrets } from './secrets';
import { selfSubjectAccessReviews } from './self-subject-access-reviews';
import { selfSubjectRulesReviews } from './self-subject-rules-reviews';
import { serviceAccounts } from './service-accounts';
import { services } from './services';

/**
 * Every resource the lab's API server serves: the groups in the order /apis lists them on a real server (the
 * apiserver's group priorities: apps, ..., batch, ..., rbac.authorization.k8s.io, ..., coordination.k8s.io), core
 * first, and within a group-version in discovery's alphabetical order. A function,
 * not a constant: resource modules import the API server's helpers, which look resources up, so the list is built
 * on first use rather than while those modules are still loading.
 */
export function resourceDefinitions(): ResourceDefinition[] {
  return [
    configMaps, events, namespaces, nodes, persistentVolumeClaims, pods, secrets, serviceAccounts, services,
    daemonSets, deployments, replicaSets,
    selfSubjectAccessReviews, selfSubjectRulesReviews,
    cronJobs, jobs,
    podDisruptionBudgets,
    clusterRoleBindings, clusterRoles, roleBindings, roles,
    leases,
  ];
}
