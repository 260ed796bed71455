import type { KubeObject } from '../../contracts/kube-object';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import type { StatusCause } from '../apiserver/status-errors';
import { age, column, nameColumn } from '../apiserver/table-output';

/** policy/validation ValidatePodDisruptionBudgetSpec: not both minAvailable and maxUnavailable. */
function budgetCauses(budget: KubeObject): StatusCause[] {
  const spec = budget.spec ?? {};
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    return [{ reason: 'FieldValueInvalid', field: 'spec', message: `Invalid value: ${goSpec(spec)}: minAvailable and maxUnavailable cannot be both set` }];
  }
  return [];
}

/** fmt's %+v of the spec as the error prints it, close enough for the lab's callers. */
function goSpec(spec: Record<string, unknown>): string {
  return `policy.PodDisruptionBudgetSpec{MinAvailable:${JSON.stringify(spec.minAvailable)}, MaxUnavailable:${JSON.stringify(spec.maxUnavailable)}}`;
}

/** printPodDisruptionBudget: MIN AVAILABLE and MAX UNAVAILABLE as given (N/A when unset), ALLOWED DISRUPTIONS. */
function budgetRow(budget: KubeObject): unknown[] {
  const show = (value: unknown) => (value === undefined || value === null ? 'N/A' : String(value));
  return [budget.metadata.name, show(budget.spec?.minAvailable), show(budget.spec?.maxUnavailable), budget.status?.disruptionsAllowed ?? 0, age(budget)];
}

export const podDisruptionBudgets: ResourceDefinition = {
  group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', singular: 'poddisruptionbudget', kind: 'PodDisruptionBudget', namespaced: true,
  shortNames: ['pdb'], verbs: ALL_VERBS,
  subresources: { status: STATUS_SUBRESOURCE('PodDisruptionBudget') },
  model: 'V1PodDisruptionBudget',
  tracksGeneration: true,
  prepareForCreate: (budget) => {
    budget.status = { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  },
  validate: budgetCauses,
  printer: {
    columns: [nameColumn(), column('Min Available'), column('Max Unavailable'), column('Allowed Disruptions', 0, 'integer'), column('Age')],
    row: budgetRow,
  },
};
