import * as k8s from '@kubernetes/client-node';
import type { InputProblem } from '../errors';
import { type AccessNeed, needScope, rbacRule, ruleScope } from '../kube/access-needs';
import { kubernetesErrorMessage } from '../kube/cluster-client';
import type { Target } from '../target/target';

/**
 * Asks the API server, the way `kubectl auth can-i` does (authorization.k8s.io/v1 SelfSubjectAccessReview), whether the
 * run's credentials may do each thing `needs` lists; each need with a verb refused is one input problem carrying the
 * RBAC rule that grants it. Only asks: a review is computed, never stored.
 */
export async function missingAccess(target: Target, needs: AccessNeed[]): Promise<InputProblem[]> {
  const authorization = target.cluster.api(k8s.AuthorizationV1Api);
  const ask = async (need: AccessNeed, verb: string, name?: string): Promise<boolean> => {
    const [resource, subresource] = need.resource.split('/');
    try {
      const review = await authorization.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb, group: need.group, resource, subresource, namespace: need.namespace ?? '', name } } },
      });
      return review.status?.allowed === true;
    } catch (error) {
      throw new Error(`the Kubernetes API at ${target.cluster.server} did not answer a SelfSubjectAccessReview (what \`kubectl auth can-i\` asks): ${kubernetesErrorMessage(error)}`);
    }
  };
  const verdicts = await Promise.all(
    needs.map(async (need) => {
      const names = need.names ?? [undefined];
      const refused = await Promise.all(need.verbs.map(async (verb) => ((await Promise.all(names.map((name) => ask(need, verb, name)))).every(Boolean) ? undefined : verb)));
      return { need, refused: refused.filter((verb): verb is string => Boolean(verb)) };
    }),
  );
  const who = credentialsName(target);
  return verdicts.filter(({ refused }) => refused.length).map(({ need, refused }) => {
    const scope = needScope(need);
    const [resource, subresource] = need.resource.split('/');
    const object = `${need.names ? `${resource}/${need.names[0]}` : resource}${subresource ? ` --subresource=${subresource}` : ''}`;
    return {
      input: `${who}: ${refused.join(', ')} ${need.resource}${need.names ? ` ${need.names.join(', ')}` : ''}${scope.words}`,
      problem: `is not allowed (SelfSubjectAccessReview: \`kubectl auth can-i ${refused[0]} ${object}${scope.flag}\` answers no), and the run needs it to ${need.why}`,
      fix: `grant it with this rule in a ${ruleScope(need)} bound to these credentials: ${rbacRule(need)} (README, "Kubernetes permissions")`,
    };
  });
}

/** Whose rights were asked about, as the operator set them. */
function credentialsName(target: Target): string {
  const path = target.config.kubeconfigPath;
  if (!path) return 'the pod\'s ServiceAccount';
  const user = target.cluster.kubeconfig.getCurrentUser()?.name;
  return `KUBECONFIG "${path}"${user ? ` (user ${user})` : ''}`;
}
