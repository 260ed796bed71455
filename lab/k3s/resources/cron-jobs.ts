import type { KubeObject } from '../../contracts/kube-object';
import { invalidValue, notSupported, required } from '../apiserver/field-errors';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import type { StatusCause } from '../apiserver/status-errors';
import { age, column, humanDuration, nameColumn } from '../apiserver/table-output';
import { scheduleError } from './cron-schedule';
import { jobTemplateCauses } from './jobs';

/** batch/validation: a schedule cron understands, a known concurrency policy, a pod template a Job can run. */
function cronJobCauses(cronJob: KubeObject): StatusCause[] {
  const spec = cronJob.spec ?? {};
  const causes: StatusCause[] = [];
  if (!spec.schedule) causes.push(required('spec.schedule'));
  else {
    const error = scheduleError(spec.schedule);
    if (error) causes.push(invalidValue('spec.schedule', spec.schedule, error));
  }
  if (!['Allow', 'Forbid', 'Replace'].includes(spec.concurrencyPolicy)) causes.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  causes.push(...jobTemplateCauses(spec.jobTemplate?.spec?.template?.spec, 'spec.jobTemplate.spec.template.spec'));
  return causes;
}

function cronJobRow(cronJob: KubeObject): unknown[] {
  const containers = (cronJob.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []) as Array<{ name: string; image: string }>;
  const lastSchedule = cronJob.status?.lastScheduleTime;
  return [cronJob.metadata.name, cronJob.spec?.schedule ?? '', cronJob.spec?.timeZone ?? '<none>', cronJob.spec?.suspend ? 'True' : 'False',
    ((cronJob.status?.active ?? []) as unknown[]).length, lastSchedule ? humanDuration(Date.now() - Date.parse(lastSchedule)) : '<none>', age(cronJob),
    containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), '<none>'];
}

export const cronJobs: ResourceDefinition = {
  group: 'batch', version: 'v1', plural: 'cronjobs', singular: 'cronjob', kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: ['all'],
  verbs: ALL_VERBS,
  subresources: { status: STATUS_SUBRESOURCE('CronJob') },
  model: 'V1CronJob',
  tracksGeneration: true,
  defaults: (cronJob) => {
    cronJob.spec ??= {};
    cronJob.spec.concurrencyPolicy ??= 'Allow';
    cronJob.spec.suspend ??= false;
    cronJob.spec.successfulJobsHistoryLimit ??= 3;
    cronJob.spec.failedJobsHistoryLimit ??= 1;
  },
  validate: cronJobCauses,
  printer: {
    columns: [nameColumn(), column('Schedule'), column('Timezone'), column('Suspend', 0, 'boolean'), column('Active', 0, 'integer'),
      column('Last Schedule'), column('Age'), column('Containers', 1), column('Images', 1), column('Selector', 1)],
    row: cronJobRow,
  },
};
