import { kubeTime } from '../../contracts/kube-object';
import { invalidValue } from '../apiserver/field-errors';
import { ALL_VERBS, type ResourceDefinition, type SubresourceAnswer, type SubresourceRequest } from '../apiserver/resource';
import { API_AUDIENCES } from '../apiserver/service-account-tokens';
import { invalid, notFound } from '../apiserver/status-errors';
import { age, column, nameColumn } from '../apiserver/table-output';

/**
 * POST serviceaccounts/<name>/token, the TokenRequest API `kubectl create token` calls
 * (pkg/registry/core/serviceaccount/storage/token.go): expirationSeconds defaults to an hour and may not be under
 * ten minutes, audiences default to the apiserver's --api-audiences.
 */
function tokenRequest({ store, services, namespace, name, body }: SubresourceRequest): SubresourceAnswer {
  if (!store.get('serviceaccounts', namespace, name)) throw notFound('serviceaccounts', name);
  const spec = ((body as { spec?: { audiences?: string[]; expirationSeconds?: number; boundObjectRef?: unknown } })?.spec) ?? {};
  const expirationSeconds = spec.expirationSeconds ?? 3600;
  if (expirationSeconds < 600) {
    throw invalid('TokenRequest.authentication.k8s.io', '', [invalidValue('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes')]);
  }
  if (expirationSeconds > 2 ** 32) {
    throw invalid('TokenRequest.authentication.k8s.io', '', [invalidValue('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds')]);
  }
  const audiences = spec.audiences?.length ? spec.audiences : API_AUDIENCES;
  const { token, expiresAt } = services.issueServiceAccountToken(namespace!, name, expirationSeconds, audiences);
  return {
    code: 201,
    json: {
      kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: kubeTime() },
      spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
      status: { token, expirationTimestamp: kubeTime(expiresAt) },
    },
  };
}

export const serviceAccounts: ResourceDefinition = {
  group: '', version: 'v1', plural: 'serviceaccounts', singular: 'serviceaccount', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'],
  verbs: ALL_VERBS,
  subresources: { token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'], serve: tokenRequest } },
  model: 'V1ServiceAccount',
  printer: {
    columns: [nameColumn(), column('Secrets', 0, 'string'), column('Age')],
    row: (sa) => [sa.metadata.name, ((sa.secrets ?? []) as unknown[]).length, age(sa)],
  },
};
