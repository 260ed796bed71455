import { findCondition, kubeTime, type KubeObject } from '../../contracts/kube-object';
import { required } from '../apiserver/field-errors';
import type { ObjectStore } from '../apiserver/object-store';
import { ALL_VERBS, STATUS_SUBRESOURCE, type ResourceDefinition, type SubresourceAnswer, type SubresourceRequest } from '../apiserver/resource';
import { badRequest, conflict, invalid, notFound, type KubeStatus, type StatusCause } from '../apiserver/status-errors';
import { age, column, nameColumn } from '../apiserver/table-output';
import { defaultPod } from './pod-defaults';
import { evictPod } from './pod-eviction';

/** core/validation ValidatePodSpec, as far as the lab checks it: containers, each with a name and an image. */
export function podSpecCauses(spec: KubeObject['spec'], path: string): StatusCause[] {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) return [required(`${path}.containers`)];
  return containers.flatMap((container: { name?: string; image?: string }, index: number) => [
    ...(container.name ? [] : [required(`${path}.containers[${index}].name`)]),
    ...(container.image ? [] : [required(`${path}.containers[${index}].image`)]),
  ]);
}

/** The STATUS column as kubectl's pod printer derives it (pkg/printers/internalversion). */
export function podStatusColumn(pod: KubeObject): string {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  for (const status of pod.status?.containerStatuses ?? []) {
    if (status.state?.waiting?.reason) reason = status.state.waiting.reason;
    else if (status.state?.terminated?.reason) reason = status.state.terminated.reason;
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function podRow(pod: KubeObject): unknown[] {
  const statuses = pod.status?.containerStatuses ?? [];
  const ready = statuses.filter((s: { ready?: boolean }) => s.ready).length;
  const restarts = statuses.reduce((sum: number, s: { restartCount?: number }) => sum + (s.restartCount ?? 0), 0);
  const gates = (pod.spec?.readinessGates ?? []) as Array<{ conditionType: string }>;
  const gatesCell = gates.length
    ? `${gates.filter((g) => findCondition(pod.status?.conditions, g.conditionType)?.status === 'True').length}/${gates.length}` : '<none>';
  return [pod.metadata.name, `${ready}/${pod.spec?.containers?.length ?? 0}`, podStatusColumn(pod), restarts, age(pod),
    pod.status?.podIP || '<none>', pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', gatesCell];
}

/** Binding as the registry's BindingREST does it: nodeName plus PodScheduled True in one write. */
export function bindPod(store: ObjectStore, namespace: string, name: string, nodeName: string): KubeObject {
  return store.mutate('pods', namespace, name, (pod) => {
    pod.spec.nodeName = nodeName;
    const conditions = (pod.status.conditions ??= []) as Array<{ type: string }>;
    const scheduled = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: kubeTime() };
    const index = conditions.findIndex((c) => c.type === 'PodScheduled');
    if (index >= 0) conditions[index] = scheduled;
    else conditions.push(scheduled);
  });
}

/** POST pods/<name>/binding: what the scheduler calls to place a pod. */
function bind(store: ObjectStore, namespace: string, name: string, binding: KubeObject): KubeStatus {
  const target = (binding as { target?: { name?: string } }).target?.name;
  if (!target) throw invalid('Binding', name, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }]);
  const pod = store.get('pods', namespace, name);
  if (!pod) throw notFound('pods', name);
  if (pod.spec?.nodeName) throw conflict('pods/binding', name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  if (pod.metadata.deletionTimestamp) throw conflict('pods/binding', name, `pod ${name} is being deleted, cannot be assigned to a host`);
  bindPod(store, namespace, name, target);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

/**
 * GET pods/<name>/log (pkg/registry/core/pod/strategy.go LogLocation): the container named by `?container=`, or the
 * pod's only container; a pod not yet on a node answers nothing; the rest comes from the node's kubelet.
 */
async function servePodLog({ store, services, namespace, name, query }: SubresourceRequest): Promise<SubresourceAnswer> {
  const pod = store.get('pods', namespace, name);
  if (!pod) throw notFound('pods', name);
  const names = ((pod.spec?.containers ?? []) as Array<{ name: string }>).map((c) => c.name);
  const initNames = ((pod.spec?.initContainers ?? []) as Array<{ name: string }>).map((c) => c.name);
  let container = query.get('container') ?? '';
  if (!container) {
    if (names.length !== 1) {
      const init = initNames.length ? ` or one of the init containers: [${initNames.join(' ')}]` : '';
      throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]${init}`);
    }
    container = names[0];
  }
  if (![...names, ...initNames].includes(container)) throw badRequest(`container ${container} is not valid for pod ${name}`);
  if (!pod.spec?.nodeName) return { code: 200, text: '' };
  const tail = query.get('tailLines');
  const text = await services.containerLog(pod, container, {
    tailLines: tail === null ? undefined : Number(tail), timestamps: query.get('timestamps') === 'true',
  });
  return { code: 200, text };
}

export const pods: ResourceDefinition = {
  group: '', version: 'v1', plural: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'],
  verbs: ALL_VERBS,
  subresources: {
    status: STATUS_SUBRESOURCE('Pod'),
    binding: { kind: 'Binding', verbs: ['create'], serve: ({ store, namespace, name, body }) => ({ code: 201, json: bind(store, namespace!, name, body as KubeObject) }) },
    log: { kind: 'Pod', verbs: ['get'], serve: (request) => servePodLog(request) },
    eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'], serve: (request) => evictPod(request) },
  },
  model: 'V1Pod',
  prepareForCreate: (pod) => defaultPod(pod),
  validate: (pod) => podSpecCauses(pod.spec, 'spec'),
  fieldLabels: {
    'spec.nodeName': (o) => o.spec?.nodeName ?? '',
    'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
    'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
    'status.phase': (o) => o.status?.phase ?? '',
    'status.podIP': (o) => o.status?.podIP ?? '',
  },
  printer: {
    columns: [nameColumn(), column('Ready'), column('Status'), column('Restarts', 0, 'string'), column('Age'),
      column('IP', 1), column('Node', 1), column('Nominated Node', 1), column('Readiness Gates', 1)],
    row: podRow,
  },
  /**
   * A pod on a node is deleted gracefully: it gets deletionTimestamp and stays until its kubelet, having stopped the
   * containers, deletes it again with gracePeriodSeconds=0. An unbound or finished pod goes at once.
   */
  delete(current, { gracePeriodSeconds }, { store }) {
    const finished = current.status?.phase === 'Succeeded' || current.status?.phase === 'Failed';
    const grace = !current.spec?.nodeName || finished ? 0
      : gracePeriodSeconds ?? current.metadata.deletionGracePeriodSeconds ?? current.spec?.terminationGracePeriodSeconds ?? 30;
    const { namespace, name } = current.metadata;
    if (grace <= 0) return store.remove('pods', namespace, name);
    if (current.metadata.deletionTimestamp && (current.metadata.deletionGracePeriodSeconds ?? 0) <= grace) return current;
    return store.mutate('pods', namespace, name, (pod) => {
      pod.metadata.deletionTimestamp = kubeTime(new Date(Date.now() + grace * 1000));
      pod.metadata.deletionGracePeriodSeconds = grace;
    });
  },
};
