import { randomBytes } from 'node:crypto';
import { imageId } from '../registry/container-images';
import { imagePullError } from '../registry/image-registry';
import type { LabTiming } from '../timing';
import type { KubeApi } from './kube-api';
import { eventName } from '../contracts/event-names';

interface PodState {
  deleting: boolean;
}

const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The kubelet's pod workers: pull, create and start the containers of pods bound to this node, and finish deletions. */
export class PodRunner {
  private readonly pods = new Map<string, PodState>();
  private nextHost = 2;
  private podCidr?: string;

  constructor(
    private readonly api: KubeApi,
    private readonly nodeName: string,
    private readonly hostIP: string,
    private readonly timing: LabTiming,
    private readonly signal: AbortSignal,
    private readonly log: (message: string) => void,
  ) {}

  /** Reacts to a pod as the watch reports it; work continues in the background. */
  handle(type: string, pod: any): void {
    const uid: string = pod?.metadata?.uid ?? `${pod?.metadata?.namespace}/${pod?.metadata?.name}`;
    if (type === 'DELETED') {
      this.pods.delete(uid);
      return;
    }
    let state = this.pods.get(uid);
    if (pod.metadata?.deletionTimestamp) {
      if (state?.deleting) return;
      this.pods.set(uid, { ...(state ?? {}), deleting: true });
      void this.kill(pod).catch((error) => this.fail(error));
      return;
    }
    if (state) return;
    const phase = pod.status?.phase;
    if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') {
      // Already started by this kubelet before a restart: containers keep running.
      this.pods.set(uid, { deleting: false });
      return;
    }
    state = { deleting: false };
    this.pods.set(uid, state);
    void this.start(pod, state).catch((error) => this.fail(error));
  }

  private fail(error: unknown): void {
    if (!this.signal.aborted) this.log(`pod worker: ${(error as Error).message}`);
  }

  private async start(pod: any, state: PodState): Promise<void> {
    const containers: any[] = pod.spec?.containers ?? [];
    const podIP = await this.allocateIP();
    const startTime = stamp();
    const names = containers.map((c) => c.name).join(' ');
    const waiting = (reason: string, message?: string) =>
      containers.map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason, ...(message ? { message } : {}) } } }));
    await this.patchStatus(pod, {
      phase: 'Pending', hostIP: this.hostIP, hostIPs: [{ ip: this.hostIP }], podIP, podIPs: [{ ip: podIP }], startTime,
      conditions: this.conditions(false, names), containerStatuses: waiting('ContainerCreating'),
    });
    const started: any[] = [];
    for (const container of containers) {
      if (state.deleting || this.signal.aborted) return;
      const fieldPath = `spec.containers{${container.name}}`;
      await this.event(pod, 'Normal', 'Pulling', `Pulling image "${container.image}"`, fieldPath);
      await this.timing.wait(1500, this.signal);
      const pullError = imagePullError(container.image);
      if (pullError) {
        await this.pullFailure(pod, container, fieldPath, names, pullError);
        return;
      }
      await this.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${container.image}" in 1.412s (1.412s including waiting). Image size: 20954583 bytes.`, fieldPath);
      await this.event(pod, 'Normal', 'Created', `Created container: ${container.name}`, fieldPath);
      await this.event(pod, 'Normal', 'Started', `Started container ${container.name}`, fieldPath);
      started.push({
        name: container.name, image: container.image, imageID: imageId(container.image),
        containerID: `containerd://${randomBytes(32).toString('hex')}`, ready: true, restartCount: 0, started: true,
        state: { running: { startedAt: stamp() } },
      });
    }
    if (state.deleting || this.signal.aborted) return;
    await this.patchStatus(pod, { phase: 'Running', podIP, podIPs: [{ ip: podIP }], conditions: this.conditions(true, names), containerStatuses: started });
  }

  private async pullFailure(pod: any, container: any, fieldPath: string, names: string, reason: string) {
    await this.event(pod, 'Warning', 'Failed', `Failed to pull image "${container.image}": ${reason}`, fieldPath);
    await this.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', fieldPath);
    const statuses = (waitingReason: string, message: string) =>
      (pod.spec.containers as any[]).map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: c.name === container.name ? waitingReason : 'ContainerCreating', ...(c.name === container.name ? { message } : {}) } } }));
    await this.patchStatus(pod, { conditions: this.conditions(false, names), containerStatuses: statuses('ErrImagePull', reason) });
    await this.timing.wait(10_000, this.signal);
    await this.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${container.image}"`, fieldPath);
    await this.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', fieldPath);
    await this.patchStatus(pod, { containerStatuses: statuses('ImagePullBackOff', `Back-off pulling image "${container.image}": ErrImagePull: ${reason}`) });
  }

  /** Graceful deletion: stop the containers, then remove the object for good (gracePeriodSeconds=0). */
  private async kill(pod: any): Promise<void> {
    for (const container of pod.spec?.containers ?? []) {
      await this.event(pod, 'Normal', 'Killing', `Stopping container ${container.name}`, `spec.containers{${container.name}}`);
    }
    await this.timing.wait(500, this.signal);
    const { namespace, name, uid } = pod.metadata;
    const result = await this.api.request('DELETE', `/api/v1/namespaces/${namespace}/pods/${name}?gracePeriodSeconds=0`,
      { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid } }, 'application/json', this.signal);
    // A pod already gone (404) or replaced (409 on the uid precondition) is not this kubelet's to finish.
    if (result.status >= 400 && result.status !== 404 && result.status !== 409) {
      throw new Error(`"Failed to delete pod" pod="${namespace}/${name}" err="status ${result.status}: ${result.json?.message ?? ''}"`);
    }
  }

  private conditions(ready: boolean, names: string) {
    const now = stamp();
    const notReady = { reason: 'ContainersNotReady', message: `containers with unready status: [${names}]` };
    return [
      { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now, ...(ready ? {} : notReady) },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now, ...(ready ? {} : notReady) },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
    ];
  }

  private async patchStatus(pod: any, status: Record<string, unknown>): Promise<void> {
    const { namespace, name } = pod.metadata;
    await this.api.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, { status }, 'application/merge-patch+json', this.signal);
  }

  private async event(pod: any, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    const { namespace, name, uid } = pod.metadata;
    const now = stamp();
    await this.api.request('POST', `/api/v1/namespaces/${namespace}/events`, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: eventName(name), namespace },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace, name, uid, ...(fieldPath ? { fieldPath } : {}) },
      reason, message, type, count: 1, firstTimestamp: now, lastTimestamp: now,
      source: { component: 'kubelet', host: this.nodeName }, reportingComponent: 'kubelet', reportingInstance: this.nodeName,
    }, 'application/json', this.signal);
  }

  /** Pod addresses come from the node's podCIDR (assigned by the server), else flannel's usual 10.42.1.0/24. */
  private async allocateIP(): Promise<string> {
    if (!this.podCidr) {
      const node = await this.api.request('GET', `/api/v1/nodes/${this.nodeName}`, undefined, 'application/json', this.signal);
      this.podCidr = node.json?.spec?.podCIDR;
    }
    const base = (this.podCidr ?? '10.42.1.0/24').split('/')[0].split('.').slice(0, 3).join('.');
    return `${base}.${this.nextHost++}`;
  }
}

/** containerd's fully qualified reference: nginx:alpine -> docker.io/library/nginx:alpine. */
