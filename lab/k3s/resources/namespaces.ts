import { kubeTime } from '../../contracts/kube-object';
import { dns1123LabelError } from '../apiserver/field-errors';
import { STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import { ApiError, failure } from '../apiserver/status-errors';
import { age, column, nameColumn } from '../apiserver/table-output';

/** The namespaces the apiserver keeps (its system namespaces controller): deleting one is forbidden. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export const namespaces: ResourceDefinition = {
  group: '', version: 'v1', plural: 'namespaces', singular: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: { status: STATUS_SUBRESOURCE('Namespace') },
  model: 'V1Namespace',
  validateName: dns1123LabelError,
  prepareForCreate(namespace) {
    namespace.metadata.labels = { ...namespace.metadata.labels, 'kubernetes.io/metadata.name': namespace.metadata.name };
    namespace.spec = { finalizers: ['kubernetes'] };
    namespace.status = { phase: 'Active' };
  },
  fieldLabels: { 'status.phase': (o) => o.status?.phase ?? '' },
  printer: {
    columns: [nameColumn(), column('Status'), column('Age')],
    row: (ns) => [ns.metadata.name, ns.status?.phase ?? '', age(ns)],
  },
  /** Deletion only marks the namespace Terminating; the namespace controller empties and removes it. */
  delete(current, _options, { store }) {
    const { name } = current.metadata;
    if (SYSTEM_NAMESPACES.includes(name)) {
      throw new ApiError(failure(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' }));
    }
    if (current.metadata.deletionTimestamp) return current;
    return store.mutate('namespaces', undefined, name, (ns) => {
      ns.metadata.deletionTimestamp = kubeTime();
      ns.status = { phase: 'Terminating' };
    });
  },
};
