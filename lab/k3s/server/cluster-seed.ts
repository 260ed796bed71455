import { randomBytes } from 'node:crypto';
import { kubeTime, type KubeObject } from '../../contracts/kube-object';
import { podStatusFor } from '../../kubelet/pod-lifecycle';
import { randomSuffix } from '../apiserver/names';
import type { ApiContext } from '../apiserver/resource';
import { resourceType } from '../apiserver/resource-registry';
import { ResourceOperations } from '../apiserver/resource-operations';
import { pinDaemonPod } from '../controllers/daemon-set-controller';
import { podTemplateHash } from '../controllers/deployment-controller';
import { controllerRef } from '../controllers/owned-pods';
import { SYSTEM_NAMESPACES } from '../resources/namespaces';
import { serverNode, type MasterSize } from './server-node';
import { helmInstallJobs, K3S_IMAGES, serviceLbDaemonSet, SYSTEM_SERVICE_ACCOUNTS, systemDeployments, systemServices } from './system-workloads';

interface SeedOptions {
  nodeName: string;
  serverIp: string;
  size?: MasterSize;
}

/**
 * A k3s server as it looks a little while after its first start: namespaces, its own Node, and the packaged add-ons
 * (server/system-workloads.ts) with their owner chains: Deployments -> ReplicaSets -> Pods, the Completed
 * helm-install Jobs and their pods, ServiceLB's DaemonSet with its pod on this node. Everything goes through the
 * API server's create path (defaults, validation); the pods are then bound and running, as their kubelet left them.
 */
export function seedCluster(context: ApiContext, options: SeedOptions): { podIps: string[]; images: string[] } {
  const { store } = context;
  const create = (plural: string, namespace: string | undefined, object: KubeObject) => new ResourceOperations(context, resourceType(plural)!).create(namespace, object);
  for (const name of SYSTEM_NAMESPACES) create('namespaces', undefined, { metadata: { name } });
  store.create('nodes', serverNode({ name: options.nodeName, ip: options.serverIp, podCidr: '10.42.0.0/24', size: options.size }));
  for (const name of SYSTEM_SERVICE_ACCOUNTS) create('serviceaccounts', 'kube-system', { metadata: { name } });

  const podIps: string[] = [];
  const running = (pod: KubeObject, completed = false) => {
    const podIp = `10.42.0.${podIps.length + 2}`;
    podIps.push(podIp);
    return runOnServer(context, pod, options, podIp, completed);
  };

  for (const deployment of systemDeployments().map((d) => create('deployments', 'kube-system', d))) {
    const hash = podTemplateHash(deployment.spec.template);
    const template = structuredClone(deployment.spec.template);
    template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
    const replicaSet = create('replicasets', 'kube-system', {
      metadata: {
        name: `${deployment.metadata.name}-${hash}`, labels: template.metadata.labels, ownerReferences: [controllerRef(deployment, 'apps/v1', 'Deployment')],
        annotations: { 'deployment.kubernetes.io/desired-replicas': '1', 'deployment.kubernetes.io/max-replicas': '2', 'deployment.kubernetes.io/revision': '1' },
      },
      spec: { replicas: 1, selector: { matchLabels: { ...deployment.spec.selector.matchLabels, 'pod-template-hash': hash } }, template },
    });
    running(podFrom(replicaSet, 'ReplicaSet', template));
  }

  for (const job of helmInstallJobs().map((j) => create('jobs', 'kube-system', j))) {
    running(podFrom(job, 'Job', job.spec.template), true);
    const now = kubeTime();
    store.mutate('jobs', 'kube-system', job.metadata.name, (stored) => {
      const complete = (type: string) => ({ type, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
      stored.status = { conditions: [complete('SuccessCriteriaMet'), complete('Complete')], startTime: now, completionTime: now, succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} };
    });
  }

  const services = systemServices(options.serverIp).map((service) => {
    const created = create('services', service.metadata.namespace, service);
    if (!service.status) return created;
    return store.mutate('services', created.metadata.namespace, created.metadata.name, (stored) => {
      stored.status = service.status;
    });
  });
  const traefik = services.find((service) => service.metadata.name === 'traefik')!;
  const daemonSet = create('daemonsets', 'kube-system', serviceLbDaemonSet(traefik));
  const daemonPod = podFrom(daemonSet, 'DaemonSet', daemonSet.spec.template, {
    'controller-revision-hash': podTemplateHash(daemonSet.spec.template), 'pod-template-generation': '1',
  });
  pinDaemonPod(daemonPod, options.nodeName);
  running(daemonPod);

  return { podIps, images: Object.values(K3S_IMAGES) };
}

/** A controller's pod as it created it: `<owner>-<5 random>`, the template's labels, a controller reference. */
function podFrom(owner: KubeObject, kind: string, template: KubeObject['spec'], labels: Record<string, string> = {}): KubeObject {
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'apps/v1';
  return {
    metadata: {
      name: `${owner.metadata.name}-${randomSuffix()}`, namespace: 'kube-system', labels: { ...template.metadata?.labels, ...labels },
      ownerReferences: [controllerRef(owner, apiVersion, kind)],
    },
    spec: structuredClone(template.spec),
  };
}

/** Creates the pod, binds it to the server and gives it the status its kubelet reported: Running, or Completed. */
function runOnServer(context: ApiContext, pod: KubeObject, options: SeedOptions, podIp: string, completed: boolean): KubeObject {
  pod.spec.nodeName = options.nodeName;
  const created = new ResourceOperations(context, resourceType('pods')!).create('kube-system', pod);
  const startedAt = kubeTime();
  const states = new Map((created.spec.containers as Array<{ name: string }>).map((c) => [c.name, { kind: 'running' as const, startedAt, containerId: randomBytes(32).toString('hex') }]));
  const status = podStatusFor(created, { hostIp: options.serverIp }, states, podIp, startedAt, []) as KubeObject['status'];
  if (completed) {
    status.phase = 'Succeeded';
    for (const condition of status.conditions) {
      if (condition.type === 'Ready' || condition.type === 'ContainersReady') Object.assign(condition, { status: 'False', reason: 'PodCompleted' });
      if (condition.type === 'PodReadyToStartContainers') condition.status = 'False';
    }
    status.containerStatuses = status.containerStatuses.map((container: { containerID: string }) => ({
      ...container, ready: false, started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: startedAt, containerID: container.containerID } },
    }));
  }
  return context.store.mutate('pods', 'kube-system', created.metadata.name, (stored) => {
    stored.status = { ...stored.status, ...status };
  });
}
