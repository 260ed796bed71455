import type { KubeObject } from '../../contracts/kube-object';
import { notSupported } from '../apiserver/field-errors';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import type { StatusCause } from '../apiserver/status-errors';
import { age, column, humanDuration, nameColumn } from '../apiserver/table-output';
import { defaultPodSpec } from './pod-defaults';
import { containerCells } from './pod-templates';
import { podSpecCauses } from './pods';
import { selectorString } from './workload-selectors';

/** A Job's pods may not restart in place: Always (also the default when unset) is refused (batch/validation). */
export function jobTemplateCauses(template: KubeObject['spec'], path: string): StatusCause[] {
  const restartPolicy = template?.restartPolicy ?? 'Always';
  const causes: StatusCause[] = [];
  if (!['OnFailure', 'Never'].includes(restartPolicy)) causes.push(notSupported(`${path}.restartPolicy`, restartPolicy, ['OnFailure', 'Never']));
  causes.push(...podSpecCauses(template, path));
  return causes;
}

/** printJob: STATUS from the conditions, COMPLETIONS succeeded/completions, DURATION start to completion (or now). */
function jobRow(job: KubeObject): unknown[] {
  const status = job.status ?? {};
  const has = (type: string) => ((status.conditions ?? []) as Array<{ type: string; status: string }>).some((c) => c.type === type && c.status === 'True');
  const parallelism = job.spec?.parallelism ?? 0;
  const completions = job.spec?.completions !== undefined && job.spec?.completions !== null
    ? `${status.succeeded ?? 0}/${job.spec.completions}`
    : parallelism > 1 ? `${status.succeeded ?? 0}/1 of ${parallelism}` : `${status.succeeded ?? 0}/1`;
  const duration = !status.startTime ? ''
    : humanDuration((status.completionTime ? Date.parse(status.completionTime) : Date.now()) - Date.parse(status.startTime));
  let state = 'Running';
  if (has('Complete')) state = 'Complete';
  else if (has('Failed')) state = 'Failed';
  else if (job.metadata.deletionTimestamp) state = 'Terminating';
  else if (has('Suspended')) state = 'Suspended';
  else if (has('FailureTarget')) state = 'FailureTarget';
  return [job.metadata.name, state, completions, duration, age(job), ...containerCells(job.spec?.template), selectorString(job.spec?.selector)];
}

export const jobs: ResourceDefinition = {
  group: 'batch', version: 'v1', plural: 'jobs', singular: 'job', kind: 'Job', namespaced: true, categories: ['all'], verbs: ALL_VERBS,
  subresources: { status: STATUS_SUBRESOURCE('Job') },
  model: 'V1Job',
  tracksGeneration: true,
  // batch/v1 defaults.go SetDefaults_Job.
  defaults: (job) => {
    const spec = (job.spec ??= {});
    if (spec.completions === undefined && spec.parallelism === undefined) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    spec.parallelism ??= 1;
    spec.backoffLimit ??= 6;
    spec.completionMode ??= 'NonIndexed';
    spec.suspend ??= false;
    spec.podReplacementPolicy ??= 'TerminatingOrFailed';
    if (spec.template?.spec) defaultPodSpec(spec.template.spec);
  },
  /** The job strategy's generated selector: the Job's uid as controller-uid, in the selector and the template's labels. */
  prepareForCreate: (job) => {
    const uid = job.metadata.uid!;
    const labels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': job.metadata.name, 'controller-uid': uid, 'job-name': job.metadata.name };
    if (!job.spec.manualSelector) job.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    job.spec.template.metadata = { ...job.spec.template.metadata, labels: { ...labels, ...job.spec.template.metadata?.labels } };
  },
  validate: (job) => jobTemplateCauses(job.spec?.template?.spec, 'spec.template.spec'),
  printer: {
    columns: [nameColumn(), column('Status'), column('Completions'), column('Duration'), column('Age'),
      column('Containers', 1), column('Images', 1), column('Selector', 1)],
    row: jobRow,
  },
};
