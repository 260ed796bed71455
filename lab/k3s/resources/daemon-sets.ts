import type { KubeObject } from '../../contracts/kube-object';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition } from '../apiserver/resource';
import { age, column, nameColumn } from '../apiserver/table-output';
import { containerCells, defaultTemplate, templateCauses } from './pod-templates';
import { formatLabels, selectorString } from './workload-selectors';

/** printDaemonSet: DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE; wide adds CONTAINERS, IMAGES, SELECTOR. */
function daemonSetRow(daemonSet: KubeObject): unknown[] {
  const status = daemonSet.status ?? {};
  return [daemonSet.metadata.name, status.desiredNumberScheduled ?? 0, status.currentNumberScheduled ?? 0, status.numberReady ?? 0,
    status.updatedNumberScheduled ?? 0, status.numberAvailable ?? 0, formatLabels(daemonSet.spec?.template?.spec?.nodeSelector), age(daemonSet),
    ...containerCells(daemonSet.spec?.template), selectorString(daemonSet.spec?.selector)];
}

export const daemonSets: ResourceDefinition = {
  group: 'apps', version: 'v1', plural: 'daemonsets', singular: 'daemonset', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'],
  categories: ['all'], verbs: ALL_VERBS,
  subresources: { status: STATUS_SUBRESOURCE('DaemonSet') },
  model: 'V1DaemonSet',
  tracksGeneration: true,
  // apps/v1 defaults.go SetDefaults_DaemonSet.
  defaults: (daemonSet) => {
    const spec = (daemonSet.spec ??= {});
    spec.updateStrategy ??= { type: 'RollingUpdate' };
    if (spec.updateStrategy.type === 'RollingUpdate') spec.updateStrategy.rollingUpdate = { maxUnavailable: 1, maxSurge: 0, ...spec.updateStrategy.rollingUpdate };
    spec.revisionHistoryLimit ??= 10;
    defaultTemplate(spec);
  },
  validate: (daemonSet) => templateCauses(daemonSet.spec),
  printer: {
    columns: [nameColumn(), column('Desired', 0, 'integer'), column('Current', 0, 'integer'), column('Ready', 0, 'integer'),
      column('Up-to-date', 0, 'integer'), column('Available', 0, 'integer'), column('Node Selector'), column('Age'),
      column('Containers', 1), column('Images', 1), column('Selector', 1)],
    row: daemonSetRow,
  },
};
