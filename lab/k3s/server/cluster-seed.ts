import { randomBytes } from 'node:crypto';
import { kubeTime, type KubeObject } from '../../contracts/kube-object';
import { replicaSetPodName, randomSuffix } from '../apiserver/names';
import type { ApiContext } from '../apiserver/resource';
import { defaultPod } from '../resources/pod-defaults';
import { podStatusFor } from '../../kubelet/pod-lifecycle';
import { ResourceOperations } from '../apiserver/resource-operations';
import { resourceType } from '../apiserver/resource-registry';
import { serverNode } from './server-node';

interface SystemPod {
  name: string;
  app: string;
  image: string;
  requests?: Record<string, string>;
  priorityClassName?: string;
  completed?: boolean;
}

// What `kubectl get pods -n kube-system` shows on a fresh k3s v1.34 server (the packaged manifests' requests).
const SYSTEM_PODS: SystemPod[] = [
  { name: replicaSetPodName('coredns'), app: 'kube-dns', image: 'rancher/mirrored-coredns-coredns:1.12.3', requests: { cpu: '100m', memory: '70Mi' }, priorityClassName: 'system-cluster-critical' },
  { name: replicaSetPodName('local-path-provisioner'), app: 'local-path-provisioner', image: 'rancher/local-path-provisioner:v0.0.32', priorityClassName: 'system-node-critical' },
  { name: replicaSetPodName('metrics-server'), app: 'metrics-server', image: 'rancher/mirrored-metrics-server:v0.8.0', requests: { cpu: '100m', memory: '70Mi' }, priorityClassName: 'system-cluster-critical' },
  { name: `helm-install-traefik-crd-${randomSuffix()}`, app: 'helm-install-traefik-crd', image: 'rancher/klipper-helm:v0.9.8-build20250709', completed: true },
  { name: `helm-install-traefik-${randomSuffix()}`, app: 'helm-install-traefik', image: 'rancher/klipper-helm:v0.9.8-build20250709', completed: true },
  { name: `svclb-traefik-${randomBytes(4).toString('hex')}-${randomSuffix()}`, app: 'svclb-traefik', image: 'rancher/klipper-lb:v0.4.13' },
  { name: replicaSetPodName('traefik'), app: 'traefik', image: 'rancher/mirrored-library-traefik:3.5.1', priorityClassName: 'system-cluster-critical' },
];

/** A k3s server as it looks a little while after its first start: namespaces, its own node, the packaged add-ons. */
export function seedCluster(context: ApiContext, options: { nodeName: string; serverIp: string }): { podIps: string[]; images: string[] } {
  const { store } = context;
  const namespaces = new ResourceOperations(context, resourceType('namespaces')!);
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) namespaces.create(undefined, { metadata: { name } });
  store.create('nodes', serverNode({ name: options.nodeName, ip: options.serverIp, podCidr: '10.42.0.0/24' }));

  const podIps: string[] = [];
  for (const [index, system] of SYSTEM_PODS.entries()) {
    const pod: KubeObject = {
      metadata: { name: system.name, namespace: 'kube-system', labels: { 'k8s-app': system.app, app: system.app } },
      spec: {
        containers: [{ name: system.app.replace(/^helm-install-.*/, 'helm'), image: system.image, resources: system.requests ? { requests: system.requests } : {} }],
        nodeName: options.nodeName,
        restartPolicy: system.completed ? 'OnFailure' : 'Always',
        ...(system.priorityClassName ? { priorityClassName: system.priorityClassName, priority: system.priorityClassName === 'system-node-critical' ? 2000001000 : 2000000000 } : {}),
      },
    };
    defaultPod(pod);
    const podIp = `10.42.0.${index + 2}`;
    podIps.push(podIp);
    const startedAt = kubeTime();
    const states = new Map([[pod.spec.containers[0].name, { kind: 'running' as const, startedAt, containerId: randomBytes(32).toString('hex') }]]);
    pod.status = {
      ...pod.status,
      ...podStatusFor(pod, { hostIp: options.serverIp }, states, podIp, startedAt),
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: startedAt },
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: startedAt },
        { type: 'Ready', status: system.completed ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: startedAt, ...(system.completed ? { reason: 'PodCompleted' } : {}) },
        { type: 'ContainersReady', status: system.completed ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: startedAt, ...(system.completed ? { reason: 'PodCompleted' } : {}) },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: startedAt },
      ],
    };
    if (system.completed) {
      pod.status.phase = 'Succeeded';
      pod.status.containerStatuses[0] = {
        ...pod.status.containerStatuses[0], ready: false, started: false,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: startedAt, containerID: pod.status.containerStatuses[0].containerID } },
      };
    }
    store.create('pods', pod);
  }
  return { podIps, images: SYSTEM_PODS.map((p) => p.image) };
}
