import type { KubeObject } from '../../contracts/kube-object';
import { required } from '../apiserver/field-errors';
import type { ResourceDefinition, SubresourceRequest } from '../apiserver/resource';
import { invalid } from '../apiserver/status-errors';

/** The rules every authenticated user has from k3s's bootstrap ClusterRoles (system:basic-user, system:discovery, system:public-info-viewer). */
const BASIC_RESOURCE_RULES = [
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
];
const BASIC_NON_RESOURCE_RULES = [
  { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] },
];

/**
 * authorization.k8s.io/v1 SelfSubjectRulesReview, what `kubectl auth can-i --list` asks: every rule that applies
 * to the caller in a namespace, from RBAC (pkg/registry/authorization/selfsubjectrulesreview). Masters get `*`.
 */
function review(body: KubeObject, { caller, services }: SubresourceRequest): KubeObject {
  const namespace = body.spec?.namespace as string | undefined;
  if (!namespace) throw invalid('SelfSubjectRulesReview', '', [required('spec.namespace')]);
  const masters = caller.groups.includes('system:masters');
  const rules = services.rulesFor(caller, namespace);
  return {
    kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null } as unknown as KubeObject['metadata'],
    spec: body.spec,
    status: {
      resourceRules: [
        ...(masters ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] : []),
        ...BASIC_RESOURCE_RULES,
        ...rules.filter((rule) => rule.resources?.length).map(({ verbs, apiGroups, resources, resourceNames }) => ({ verbs, apiGroups, resources, ...(resourceNames?.length ? { resourceNames } : {}) })),
      ],
      nonResourceRules: [
        ...(masters ? [{ verbs: ['*'], nonResourceURLs: ['*'] }] : []),
        ...BASIC_NON_RESOURCE_RULES,
        ...rules.filter((rule) => rule.nonResourceURLs?.length).map(({ verbs, nonResourceURLs }) => ({ verbs, nonResourceURLs })),
      ],
      incomplete: false,
    },
  };
}

export const selfSubjectRulesReviews: ResourceDefinition = {
  group: 'authorization.k8s.io', version: 'v1', plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', kind: 'SelfSubjectRulesReview',
  namespaced: false, verbs: ['create'], subresources: {},
  model: 'V1SelfSubjectRulesReview',
  createVirtual: review,
};
