import { randomBytes } from 'node:crypto';
import type { LabTiming } from '../timing';
import { fullImageName, imageId, imageSize } from '../registry/container-images';
import type { ImageRegistry } from '../registry/image-registry';
import { kubeTime, type Condition, type KubeObject } from '../contracts/kube-object';
import type { ContainerLogs } from './container-logs';
import { startupOutput } from './container-output';

/**
 * What a kubelet needs from wherever it runs. The k3s server's own kubelet writes to its store directly; an agent's
 * kubelet (lab/guest) implements it over the Kubernetes API, so both run pods with this one lifecycle.
 */
export interface PodHost {
  nodeName: string;
  hostIp: string;
  timing: LabTiming;
  /** The registries this node pulls from (one per lab). */
  registry: ImageRegistry;
  /** Images already in the node's containerd store: `IfNotPresent` skips the pull for these. */
  pulledImages: Set<string>;
  /** containerd's error when this node cannot reach the image's registry at all (no DNS, a proxy); else undefined. */
  registryReach?(image: string): string | undefined;
  /** The next address of the node's pod CIDR. */
  allocatePodIp(): string | Promise<string>;
  /** The container logs this kubelet keeps, and what of the node shows in them (kernel, CPUs). */
  containerLogs: ContainerLogs;
  kernelRelease: string;
  cpus: number;
  /** PATCH pods/<name>/status with the whole status (merge patch). */
  patchPodStatus(pod: KubeObject, status: Record<string, unknown>): Promise<void>;
  /** POST an event about the pod, from component `kubelet` on this node. */
  recordEvent(pod: KubeObject, event: PodEvent): Promise<void>;
  /** DELETE with gracePeriodSeconds=0 and the pod's uid as precondition: the end of a graceful deletion. */
  deletePod(pod: KubeObject): Promise<void>;
}

export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  fieldPath?: string;
}

interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  env?: Array<{ name: string; value?: string }>;
}

// How long the real steps take on a small node (sandbox, a ~20 MB pull, container start).
const SANDBOX_MS = 800;
const PULL_MS = 1_200;
const START_MS = 300;
// kubelet's image pull back-off: 10 s doubling to 5 min (pkg/kubelet/images).
const BACKOFF_INITIAL_MS = 10_000;
const BACKOFF_MAX_MS = 300_000;

const containerPath = (container: Container) => `spec.containers{${container.name}}`;

function condition(type: string, status: boolean, extra: Record<string, unknown> = {}) {
  return { type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: kubeTime(), ...extra };
}

type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: string; containerId: string };

/**
 * The pod status a kubelet reports for the given container states (pkg/kubelet/status). A condition whose status
 * is the same as in `previous` keeps its lastTransitionTime, as the kubelet's status manager does.
 */
export function podStatusFor(
  pod: KubeObject, host: Pick<PodHost, 'hostIp'>, states: Map<string, ContainerState>, podIp: string | undefined, startTime: string,
  previous: Condition[] = pod.status?.conditions ?? [],
): Record<string, unknown> {
  const containers = pod.spec.containers as Container[];
  const running = containers.every((c) => states.get(c.name)?.kind === 'running');
  const unready = containers.filter((c) => states.get(c.name)?.kind !== 'running').map((c) => c.name);
  const notReady = { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  const scheduled = (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === 'PodScheduled') ?? condition('PodScheduled', true);
  const conditions = [
    condition('PodReadyToStartContainers', podIp !== undefined),
    condition('Initialized', true),
    condition('Ready', running, running ? {} : notReady),
    condition('ContainersReady', running, running ? {} : notReady),
    scheduled,
  ].map((next) => {
    const before = previous.find((c) => c.type === next.type);
    return before && before.status === next.status ? { ...next, lastTransitionTime: before.lastTransitionTime } : next;
  });
  return {
    phase: running ? 'Running' : 'Pending',
    conditions,
    hostIP: host.hostIp,
    hostIPs: [{ ip: host.hostIp }],
    ...(podIp ? { podIP: podIp, podIPs: [{ ip: podIp }] } : {}),
    startTime,
    qosClass: pod.status?.qosClass ?? 'BestEffort',
    containerStatuses: containers.map((container) => {
      const state = states.get(container.name) ?? { kind: 'waiting', reason: 'ContainerCreating' };
      const base = { name: container.name, image: fullImageName(container.image), restartCount: 0, volumeMounts: [] };
      if (state.kind === 'running') {
        return {
          ...base, imageID: imageId(container.image), containerID: `containerd://${state.containerId}`, ready: true, started: true,
          state: { running: { startedAt: state.startedAt } }, lastState: {},
        };
      }
      return { ...base, imageID: '', ready: false, started: false, state: { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } }, lastState: {} };
    }),
  };
}

/**
 * Starts a pod bound to this node: sandbox, image pulls with their events, containers. A failed pull (image missing,
 * registry unreachable) stays in ErrImagePull / ImagePullBackOff, retried with back-off until it succeeds or `signal`
 * aborts (pod deleted or kubelet stopped).
 */
export async function runPod(pod: KubeObject, host: PodHost, signal: AbortSignal): Promise<void> {
  const containers = pod.spec.containers as Container[];
  const states = new Map<string, ContainerState>();
  const startTime = kubeTime();
  let podIp: string | undefined;
  let reported: Condition[] = pod.status?.conditions ?? [];
  const report = () => {
    const status = podStatusFor(pod, host, states, podIp, startTime, reported);
    reported = status.conditions as Condition[];
    return host.patchPodStatus(pod, status);
  };

  await host.timing.wait(START_MS, signal);
  await report();
  await host.timing.wait(SANDBOX_MS, signal);
  podIp = await host.allocatePodIp();
  await report();

  for (const container of containers) {
    let backoff = BACKOFF_INITIAL_MS;
    let failure: string | undefined;
    while ((failure = await pullImage(pod, container, host, states, report, signal)) !== undefined) {
      // The real kubelet waits 10 s, 20 s, ... between pulls; the floor keeps scale 0 from spinning.
      await sleepPeriod(host.timing, backoff, signal);
      await host.recordEvent(pod, { type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${container.image}"`, fieldPath: containerPath(container) });
      await host.recordEvent(pod, { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff', fieldPath: containerPath(container) });
      states.set(container.name, { kind: 'waiting', reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}": ErrImagePull: ${failure}` });
      await report();
      await sleepPeriod(host.timing, backoff, signal);
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    }
    await host.recordEvent(pod, { type: 'Normal', reason: 'Created', message: `Created container: ${container.name}`, fieldPath: containerPath(container) });
    await host.timing.wait(START_MS, signal);
    await host.recordEvent(pod, { type: 'Normal', reason: 'Started', message: `Started container ${container.name}`, fieldPath: containerPath(container) });
    const startedAt = new Date();
    states.set(container.name, { kind: 'running', startedAt: kubeTime(startedAt), containerId: randomBytes(32).toString('hex') });
    host.containerLogs.append(pod.metadata.uid!, container.name, startupOutput({ container, startedAt, kernelRelease: host.kernelRelease, cpus: host.cpus }));
  }
  await report();
}

/** Pulls unless the image is cached (IfNotPresent); returns containerd's error when the pull fails. */
async function pullImage(pod: KubeObject, container: Container, host: PodHost, states: Map<string, ContainerState>, report: () => Promise<void>, signal: AbortSignal): Promise<string | undefined> {
  const fieldPath = containerPath(container);
  const full = fullImageName(container.image);
  if (container.imagePullPolicy !== 'Always' && host.pulledImages.has(full)) {
    await host.recordEvent(pod, { type: 'Normal', reason: 'Pulled', message: `Container image "${container.image}" already present on machine`, fieldPath });
    return undefined;
  }
  await host.recordEvent(pod, { type: 'Normal', reason: 'Pulling', message: `Pulling image "${container.image}"`, fieldPath });
  await host.timing.wait(PULL_MS, signal);
  const error = host.registryReach?.(container.image) ?? host.registry.pullError(container.image);
  if (error !== undefined) {
    await host.recordEvent(pod, { type: 'Warning', reason: 'Failed', message: `Failed to pull image "${container.image}": ${error}`, fieldPath });
    await host.recordEvent(pod, { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull', fieldPath });
    states.set(container.name, { kind: 'waiting', reason: 'ErrImagePull', message: error });
    await report();
    return error;
  }
  host.pulledImages.add(full);
  const seconds = (PULL_MS / 1000).toFixed(1).replace(/\.0$/, '');
  await host.recordEvent(pod, {
    type: 'Normal', reason: 'Pulled',
    message: `Successfully pulled image "${container.image}" in ${seconds}s (${seconds}s including waiting). Image size: ${imageSize(container.image)} bytes.`,
    fieldPath,
  });
  return undefined;
}

function sleepPeriod(timing: LabTiming, realMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, timing.period(realMs));
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Graceful deletion seen by the kubelet: stop the containers, report them terminated, then remove the pod. */
export async function terminatePod(pod: KubeObject, host: PodHost, signal?: AbortSignal): Promise<void> {
  const containers = pod.spec.containers as Container[];
  for (const container of containers) {
    await host.recordEvent(pod, { type: 'Normal', reason: 'Killing', message: `Stopping container ${container.name}`, fieldPath: containerPath(container) });
  }
  await host.timing.wait(500, signal);
  const finishedAt = kubeTime();
  const statuses = (pod.status?.containerStatuses ?? []) as Array<Record<string, unknown> & { state?: { running?: { startedAt?: string } } }>;
  await host.patchPodStatus(pod, {
    ...pod.status,
    conditions: (pod.status?.conditions ?? []).map((c: { type: string }) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', lastTransitionTime: finishedAt } : c)),
    containerStatuses: statuses.map((status) => ({
      ...status, ready: false, started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: status.state?.running?.startedAt ?? finishedAt, finishedAt, containerID: status.containerID } },
    })),
  });
  await host.deletePod(pod);
  host.containerLogs.forget(pod.metadata.uid!);
}
