import { kubeTime, type KubeObject } from '../../contracts/kube-object';
import type { SubresourceAnswer, SubresourceRequest } from '../apiserver/resource';
import { resourceType } from '../apiserver/resource-registry';
import { ResourceOperations } from '../apiserver/resource-operations';
import { ApiError, failure, notFound } from '../apiserver/status-errors';
import { podsCoveredBy } from '../controllers/disruption-controller';
import { isReady } from '../controllers/owned-pods';

const SUCCESS = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };

/**
 * errors.NewTooManyRequests, as kubectl drain shows and retries it: with the budget's cause (policyv1
 * DisruptionBudgetCause) when it allows no disruption, with a 10 s retry while the budget is not yet processed.
 */
function budgetViolated(message: string, budget?: KubeObject): ApiError {
  const cause = budget && {
    reason: 'DisruptionBudget',
    message: `The disruption budget ${budget.metadata.name} needs ${budget.status?.desiredHealthy ?? 0} healthy pods and has ${budget.status?.currentHealthy ?? 0} currently`,
  };
  return new ApiError(failure(429, 'TooManyRequests', message, cause ? { causes: [cause] } : { retryAfterSeconds: 10 }));
}

/**
 * POST pods/<name>/eviction (pkg/registry/core/pod/storage/eviction.go): a pod no PodDisruptionBudget covers, or one
 * already finished, pending or being deleted, is deleted at once; a pod covered by more than one budget is refused;
 * otherwise the budget must allow a disruption (its status, kept by the disruption controller), which the eviction
 * uses up before deleting the pod with the eviction's DeleteOptions. An unready pod goes while the budget is met
 * (unhealthyPodEvictionPolicy IfHealthyBudget).
 */
export function evictPod({ store, timing, services, namespace, name, body, dryRun }: SubresourceRequest): SubresourceAnswer {
  const context = { store, timing, services };
  const pod = store.get('pods', namespace, name);
  if (!pod) throw notFound('pods', name);
  const options = ((body as { deleteOptions?: { gracePeriodSeconds?: number; preconditions?: { uid?: string } } })?.deleteOptions) ?? {};
  const remove = () => {
    if (!dryRun) new ResourceOperations(context, resourceType('pods')!).delete(namespace, name, options.gracePeriodSeconds, options.preconditions?.uid);
    return { code: 201, json: SUCCESS };
  };
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp) return remove();
  const budgets = store.list('poddisruptionbudgets', namespace).filter((budget) => podsCoveredBy(context, budget).some((p) => p.metadata.uid === pod.metadata.uid));
  if (!budgets.length) return remove();
  if (budgets.length > 1) {
    throw new ApiError(failure(500, 'InternalError', 'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'));
  }
  const [budget] = budgets;
  const status = budget.status ?? {};
  if (!isReady(pod) && (status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0) return remove();
  if ((status.observedGeneration ?? 0) < (budget.metadata.generation ?? 1)) {
    throw budgetViolated(`Cannot evict pod as it would violate the pod's disruption budget. The disruption budget ${budget.metadata.name} is still being processed by the server.`);
  }
  if ((status.disruptionsAllowed ?? 0) <= 0) throw budgetViolated("Cannot evict pod as it would violate the pod's disruption budget.", budget);
  if (!dryRun) {
    store.mutate('poddisruptionbudgets', namespace, budget.metadata.name, (latest) => {
      latest.status = { ...latest.status, disruptionsAllowed: latest.status.disruptionsAllowed - 1, disruptedPods: { ...latest.status.disruptedPods, [name]: kubeTime() } };
    });
  }
  return remove();
}
