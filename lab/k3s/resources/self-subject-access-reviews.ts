import type { KubeObject } from '../../contracts/kube-object';
import { required } from '../apiserver/field-errors';
import type { ResourceDefinition, SubresourceRequest } from '../apiserver/resource';
import { invalid } from '../apiserver/status-errors';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

/**
 * authorization.k8s.io/v1 SelfSubjectAccessReview, what `kubectl auth can-i` asks: may the caller do this? Computed
 * by the same authorizer chain that guards every request, never stored (pkg/registry/authorization/
 * selfsubjectaccessreview/rest.go). RBAC's reason comes back when it allows; a denial without an opinion has none.
 */
function review(body: KubeObject, { caller, services, store }: SubresourceRequest): KubeObject {
  const attributes = body.spec?.resourceAttributes as ResourceAttributes | undefined;
  const nonResource = body.spec?.nonResourceAttributes as { path?: string; verb?: string } | undefined;
  if (!attributes && !nonResource) {
    throw invalid('SelfSubjectAccessReview', '', [{ ...required('spec.resourceAttributes'), message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified' }]);
  }
  let decision = { allowed: false, reason: '' };
  if (attributes) {
    const resource = attributes.subresource ? `${attributes.resource ?? ''}/${attributes.subresource}` : attributes.resource ?? '';
    const [plural] = resource.split('/');
    const target = attributes.name ? store.get(plural, attributes.namespace || undefined, attributes.name) : undefined;
    decision = services.decide(caller, {
      verb: attributes.verb ?? '', group: attributes.group ?? '', resource, namespace: attributes.namespace || undefined, name: attributes.name || undefined, target,
    });
  } else decision = nonResourceDecision(caller.groups, nonResource!.path ?? '', nonResource!.verb ?? '');
  return {
    kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null } as unknown as KubeObject['metadata'],
    spec: body.spec,
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) },
  };
}

/**
 * Non-resource URLs: masters may do anything; every authenticated user may GET the discovery and health paths
 * (bootstrap ClusterRoles system:discovery and system:public-info-viewer). The lab's RBAC has no other URL rules.
 */
function nonResourceDecision(groups: string[], path: string, verb: string): { allowed: boolean; reason: string } {
  if (groups.includes('system:masters')) return { allowed: true, reason: '' };
  const publicInfo = ['/healthz', '/livez', '/readyz', '/version', '/version/'];
  const discovery = ['/api', '/apis', '/openapi'];
  if (verb === 'get' && publicInfo.includes(path)) {
    return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:authenticated"' };
  }
  if (verb === 'get' && discovery.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
    return { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' };
  }
  return { allowed: false, reason: '' };
}

export const selfSubjectAccessReviews: ResourceDefinition = {
  group: 'authorization.k8s.io', version: 'v1', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false,
  verbs: ['create'], subresources: {},
  model: 'V1SelfSubjectAccessReview',
  createVirtual: review,
};
