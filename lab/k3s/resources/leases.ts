import { ALL_VERBS, type ResourceDefinition } from '../apiserver/resource';
import { age, column, nameColumn } from '../apiserver/table-output';

/**
 * coordination.k8s.io/v1 Leases: each kubelet renews `kube-node-lease/<node>` (the node's liveness, which the node
 * lifecycle controller reads); printer columns NAME, HOLDER, AGE (printers.go, printLease).
 */
export const leases: ResourceDefinition = {
  group: 'coordination.k8s.io', version: 'v1', plural: 'leases', singular: 'lease', kind: 'Lease', namespaced: true, verbs: ALL_VERBS,
  subresources: {},
  model: 'V1Lease',
  printer: {
    columns: [nameColumn(), column('Holder'), column('Age')],
    row: (lease) => [lease.metadata.name, lease.spec?.holderIdentity ?? '', age(lease)],
  },
};
