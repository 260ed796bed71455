import type { KubeObject } from '../../contracts/kube-object';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import { age, column, nameColumn } from '../apiserver/table-output';
import { containerCells, defaultTemplate, templateCauses } from './pod-templates';
import { selectorString } from './workload-selectors';

/** printDeployment: READY as ready/desired, UP-TO-DATE, AVAILABLE; wide adds CONTAINERS, IMAGES, SELECTOR. */
function deploymentRow(deployment: KubeObject): unknown[] {
  const status = deployment.status ?? {};
  return [deployment.metadata.name, `${status.readyReplicas ?? 0}/${deployment.spec?.replicas ?? 0}`, status.updatedReplicas ?? 0,
    status.availableReplicas ?? 0, age(deployment), ...containerCells(deployment.spec?.template), selectorString(deployment.spec?.selector)];
}

export const deployments: ResourceDefinition = {
  group: 'apps', version: 'v1', plural: 'deployments', singular: 'deployment', kind: 'Deployment', namespaced: true, shortNames: ['deploy'],
  categories: ['all'], verbs: ALL_VERBS,
  subresources: { status: STATUS_SUBRESOURCE('Deployment') },
  model: 'V1Deployment',
  tracksGeneration: true,
  // apps/v1 defaults.go SetDefaults_Deployment.
  defaults: (deployment) => {
    const spec = (deployment.spec ??= {});
    spec.replicas ??= 1;
    spec.strategy ??= { type: 'RollingUpdate' };
    if (spec.strategy.type === 'RollingUpdate') spec.strategy.rollingUpdate = { maxUnavailable: '25%', maxSurge: '25%', ...spec.strategy.rollingUpdate };
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultTemplate(spec);
  },
  validate: (deployment) => templateCauses(deployment.spec),
  printer: {
    columns: [nameColumn(), column('Ready'), column('Up-to-date'), column('Available'), column('Age'),
      column('Containers', 1), column('Images', 1), column('Selector', 1)],
    row: deploymentRow,
  },
};
