import type { LabTiming } from '../timing';
import { recordEvent } from './event-recorder';
import { kubeTime, type Condition, type KubeObject } from './kube-object';
import type { ObjectStore, StoreEvent } from './object-store';
import { fullImageName } from '../registry/container-images';
import { runPod, terminatePod, type PodHost } from './pod-lifecycle';

/**
 * The kubelet inside the k3s server process: heartbeats the server's Node and runs the pods bound to it, through
 * the same pod lifecycle an agent's kubelet uses, but writing to the store directly.
 */
export class MasterKubelet {
  private readonly running = new Map<string, AbortController>();
  private readonly terminating = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly host: PodHost;
  private nextIp: number;
  private stopped = false;
  /** `pods` in the Node's capacity as started (the kubelet's --max-pods, 110 by default). */
  private readonly configuredMaxPods: string;

  constructor(private readonly store: ObjectStore, timing: LabTiming, options: { nodeName: string; hostIp: string; usedPodIps: string[]; images: string[] }) {
    this.nextIp = options.usedPodIps.length + 2;
    const store_ = store;
    this.host = {
      nodeName: options.nodeName,
      hostIp: options.hostIp,
      timing,
      pulledImages: new Set(options.images.map(fullImageName)),
      allocatePodIp: () => `10.42.0.${this.nextIp++}`,
      patchPodStatus: async (pod, status) => {
        if (this.stopped || !store_.get('pods', pod.metadata.namespace, pod.metadata.name)) return;
        store_.mutate('pods', pod.metadata.namespace, pod.metadata.name, (current) => {
          // A condition whose status did not change keeps its lastTransitionTime, as the kubelet's status manager does.
          const before = (current.status?.conditions ?? []) as Condition[];
          const conditions = ((status.conditions ?? before) as Condition[]).map((next) => {
            const previous = before.find((c) => c.type === next.type);
            return previous && previous.status === next.status ? { ...next, lastTransitionTime: previous.lastTransitionTime } : next;
          });
          current.status = { ...current.status, ...status, conditions };
        });
      },
      recordEvent: async (pod, event) => {
        if (this.stopped) return;
        const current = store_.get('pods', pod.metadata.namespace, pod.metadata.name) ?? pod;
        recordEvent(store_, { involved: current, ...event, component: 'kubelet', host: options.nodeName });
      },
      deletePod: async (pod) => {
        const current = store_.get('pods', pod.metadata.namespace, pod.metadata.name);
        if (current && current.metadata.uid === pod.metadata.uid) store_.remove('pods', pod.metadata.namespace, pod.metadata.name);
      },
    };
    this.configuredMaxPods = store.get('nodes', undefined, options.nodeName)?.status?.capacity?.pods ?? '110';
    this.unsubscribe = store.subscribe((event) => this.onChange(event));
    this.heartbeat = setInterval(() => this.postNodeStatus(), timing.period(10_000));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    for (const controller of this.running.values()) controller.abort(new Error('kubelet stopped'));
  }

  /**
   * Lab fault: the pod capacity a kubelet started with `--max-pods=<count>` reports, in capacity and allocatable, from
   * now on (a real kubelet needs a restart for it); undefined goes back to the configured value.
   */
  setMaxPods(count: number | undefined): void {
    if (count !== undefined && (!Number.isInteger(count) || count < 0)) throw new RangeError(`max pods must be a whole number, got ${count}`);
    const name = this.host.nodeName;
    if (!this.store.get('nodes', undefined, name)) return;
    const pods = count === undefined ? this.configuredMaxPods : String(count);
    this.store.mutate('nodes', undefined, name, (node) => {
      node.status.capacity = { ...node.status.capacity, pods };
      node.status.allocatable = { ...node.status.allocatable, pods };
    });
  }

  /** kubelet's node status update: every condition's lastHeartbeatTime moves on, and Ready stays True. */
  private postNodeStatus(): void {
    const name = this.host.nodeName;
    if (!this.store.get('nodes', undefined, name)) return;
    const now = kubeTime();
    this.store.mutate('nodes', undefined, name, (node) => {
      for (const condition of (node.status.conditions ?? []) as Condition[]) {
        condition.lastHeartbeatTime = now;
        if (condition.type === 'Ready' && condition.status !== 'True') {
          Object.assign(condition, { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastTransitionTime: now });
        } else if (condition.type !== 'Ready' && condition.status === 'Unknown') {
          Object.assign(condition, { status: 'False', lastTransitionTime: now });
        }
      }
    });
  }

  private onChange(event: StoreEvent): void {
    if (event.resource !== 'pods' || event.object.spec?.nodeName !== this.host.nodeName) return;
    const pod = event.object;
    const uid = pod.metadata.uid!;
    if (event.type === 'DELETED') {
      this.running.get(uid)?.abort(new Error('pod deleted'));
      this.running.delete(uid);
      return;
    }
    if (pod.metadata.deletionTimestamp) return this.startTermination(pod);
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (this.running.has(uid) || finished || pod.status?.containerStatuses) return;
    const controller = new AbortController();
    this.running.set(uid, controller);
    runPod(pod, this.host, controller.signal).catch((error) => {
      if (!controller.signal.aborted) process.emitWarning(`k3s lab master kubelet: pod ${pod.metadata.name} failed: ${(error as Error).message}`);
    });
  }

  private startTermination(pod: KubeObject): void {
    const uid = pod.metadata.uid!;
    if (this.terminating.has(uid)) return;
    this.terminating.add(uid);
    this.running.get(uid)?.abort(new Error('pod terminating'));
    setImmediate(() => {
      const latest = this.store.get('pods', pod.metadata.namespace, pod.metadata.name) ?? pod;
      terminatePod(latest, this.host)
        .catch((error) => process.emitWarning(`k3s lab master kubelet: stopping ${pod.metadata.name} failed: ${(error as Error).message}`))
        .finally(() => this.terminating.delete(uid));
    });
  }
}
