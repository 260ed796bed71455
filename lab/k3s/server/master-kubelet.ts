import type { Condition } from '../../contracts/kube-object';
import { kubeTime } from '../../contracts/kube-object';
import { PodWorkers } from '../../kubelet/pod-workers';
import type { PodHost } from '../../kubelet/pod-lifecycle';
import { fullImageName } from '../../registry/container-images';
import type { ImageRegistry } from '../../registry/image-registry';
import type { LabTiming } from '../../timing';
import type { ObjectStore, StoreEvent } from '../apiserver/object-store';
import { recordEvent } from '../controllers/event-recorder';

export interface MasterKubeletOptions {
  nodeName: string;
  hostIp: string;
  usedPodIps: string[];
  /** Images the server's containerd already holds (its packaged add-ons). */
  images: string[];
  registry: ImageRegistry;
}

/**
 * The kubelet inside the k3s server process: heartbeats the server's Node and runs the pods bound to it through the
 * shared pod lifecycle (lab/kubelet), writing to the store directly instead of through the API.
 */
export class MasterKubelet {
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private readonly host: PodHost;
  private readonly workers: PodWorkers;
  private nextIp: number;
  private stopped = false;
  /** `pods` in the Node's capacity as started (the kubelet's --max-pods, 110 by default). */
  private readonly configuredMaxPods: string;

  constructor(private readonly store: ObjectStore, timing: LabTiming, options: MasterKubeletOptions) {
    this.nextIp = options.usedPodIps.length + 2;
    this.host = {
      nodeName: options.nodeName,
      hostIp: options.hostIp,
      timing,
      registry: options.registry,
      pulledImages: new Set(options.images.map(fullImageName)),
      allocatePodIp: () => `10.42.0.${this.nextIp++}`,
      patchPodStatus: async (pod, status) => {
        if (this.stopped || !store.get('pods', pod.metadata.namespace, pod.metadata.name)) return;
        store.mutate('pods', pod.metadata.namespace, pod.metadata.name, (current) => {
          current.status = { ...current.status, ...status };
        });
      },
      recordEvent: async (pod, event) => {
        if (this.stopped) return;
        const current = store.get('pods', pod.metadata.namespace, pod.metadata.name) ?? pod;
        recordEvent(store, { involved: current, ...event, component: 'kubelet', host: options.nodeName });
      },
      deletePod: async (pod) => {
        const current = store.get('pods', pod.metadata.namespace, pod.metadata.name);
        if (current && current.metadata.uid === pod.metadata.uid) store.remove('pods', pod.metadata.namespace, pod.metadata.name);
      },
    };
    this.workers = new PodWorkers(
      this.host,
      (pod) => store.get('pods', pod.metadata.namespace, pod.metadata.name) ?? pod,
      (message) => process.emitWarning(`k3s lab master kubelet: ${message}`),
    );
    this.configuredMaxPods = store.get('nodes', undefined, options.nodeName)?.status?.capacity?.pods ?? '110';
    this.unsubscribe = store.subscribe((event) => this.onChange(event));
    this.heartbeat = setInterval(() => this.postNodeStatus(), timing.period(10_000));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.unsubscribe();
    this.workers.stop();
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

  /** The kubelet's pod source: pods bound to this node, as its watch on spec.nodeName would see them. */
  private onChange(event: StoreEvent): void {
    if (event.resource !== 'pods') return;
    const pod = event.object;
    const boundHere = pod.spec?.nodeName === this.host.nodeName || (event.type === 'DELETED' && event.previous?.spec?.nodeName === this.host.nodeName);
    if (!boundHere) return;
    this.workers.handle(event.type, pod);
  }
}
