import type { KubeObject } from '../../contracts/kube-object';
import { required } from '../apiserver/field-errors';
import { labelsMatch } from '../apiserver/selectors';
import type { StatusCause } from '../apiserver/status-errors';
import { defaultPodSpec } from './pod-defaults';
import { podSpecCauses } from './pods';

/** A workload's pod template and its selector, as apps/v1 and batch/v1 hold them. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Whether `labels` satisfy a metav1.LabelSelector (matchLabels and matchExpressions ANDed). */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const equalities = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, operator: '=' as const, values: [value] }));
  const expressions = (selector.matchExpressions ?? []).map((e) => ({
    key: e.key, values: e.values ?? [],
    operator: ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator as 'In'] ?? 'in',
  }));
  return labelsMatch([...equalities, ...expressions], labels);
}

/** fmt's %#v of a label map, as apps validation prints it: map[string]string{"app":"x"}. */
function goLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/**
 * apps/validation ValidateDeploymentSpec and friends: a selector is required and must select the template's labels,
 * and the template must be a pod spec that validates.
 */
export function templateCauses(spec: KubeObject['spec'], path = 'spec'): StatusCause[] {
  const causes: StatusCause[] = [];
  const selector = spec?.selector as LabelSelector | undefined;
  const labels = spec?.template?.metadata?.labels as Record<string, string> | undefined;
  if (!selector || (!Object.keys(selector.matchLabels ?? {}).length && !selector.matchExpressions?.length)) causes.push(required(`${path}.selector`));
  else if (!selectorMatches(selector, labels)) {
    causes.push({ reason: 'FieldValueInvalid', field: `${path}.template.metadata.labels`, message: `Invalid value: ${goLabels(labels)}: \`selector\` does not match template \`labels\`` });
  }
  causes.push(...podSpecCauses(spec?.template?.spec, `${path}.template.spec`));
  return causes;
}

/** Template defaulting: the template's pod spec gets what a pod's would (restartPolicy, dnsPolicy, pull policies). */
export function defaultTemplate(spec: KubeObject['spec']): void {
  if (spec?.template?.spec) defaultPodSpec(spec.template.spec);
}

/** layoutContainerCells: CONTAINERS and IMAGES of a workload's wide columns. */
export function containerCells(template: KubeObject['spec']): [string, string] {
  const containers = (template?.spec?.containers ?? []) as Array<{ name: string; image: string }>;
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}
