import type { Condition } from '../../contracts/kube-object';
import { kubeTime } from '../../contracts/kube-object';
import { NODE_LEASE_NAMESPACE, NODE_STATUS_UPDATE_FREQUENCY_MS, nodeLease, NodeStatusReports } from '../../kubelet/node-heartbeat';
import { nodeImages, type NodeImage } from '../../kubelet/node-images';
import { PodWorkers } from '../../kubelet/pod-workers';
import type { PodHost } from '../../kubelet/pod-lifecycle';
import { fullImageName } from '../../registry/container-images';
import { HOST_KERNEL } from '../../contracts/container-runtime';
import { ContainerLogs } from '../../kubelet/container-logs';
import { startupOutput } from '../../kubelet/container-output';
import type { NodeEnvironment } from '../../kubelet/node-environment';
import type { LabTiming } from '../../timing';
import type { ObjectStore, StoreEvent } from '../apiserver/object-store';
import { recordEvent } from '../controllers/event-recorder';

export interface MasterKubeletOptions {
  nodeName: string;
  hostIp: string;
  usedPodIps: string[];
  /** Images the server's containerd already holds (its packaged add-ons). */
  images: string[];
  /** The lab's registries, and the directory where the API server finds this kubelet for logs. */
  node: NodeEnvironment;
}

/**
 * The kubelet inside the k3s server process: renews the server's Lease, posts its node status as a kubelet does
 * (lab/kubelet/node-heartbeat.ts), and runs the pods bound to it through the shared pod lifecycle (lab/kubelet),
 * writing to the store directly instead of through the API.
 */
export class MasterKubelet {
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly reports: NodeStatusReports;
  private readonly unsubscribe: () => void;
  private readonly host: PodHost;
  private readonly workers: PodWorkers;
  private readonly unregister: () => void;
  private nextIp: number;
  private stopped = false;
  /** `pods` in the Node's capacity as started (the kubelet's --max-pods, 110 by default). */
  private readonly configuredMaxPods: string;

  constructor(private readonly store: ObjectStore, timing: LabTiming, options: MasterKubeletOptions) {
    this.nextIp = options.usedPodIps.length + 2;
    const self = store.get('nodes', undefined, options.nodeName);
    this.host = {
      nodeName: options.nodeName,
      hostIp: options.hostIp,
      timing,
      registry: options.node.registry,
      pulledImages: new Set(options.images.map(fullImageName)),
      containerLogs: new ContainerLogs(),
      kernelRelease: self?.status?.nodeInfo?.kernelVersion ?? HOST_KERNEL.release,
      cpus: Number(self?.status?.capacity?.cpu ?? 1),
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
    this.configuredMaxPods = self?.status?.capacity?.pods ?? '110';
    this.adoptRunningContainers();
    this.unregister = options.node.kubelets.register(options.nodeName, { address: options.hostIp, logs: this.host.containerLogs });
    this.unsubscribe = store.subscribe((event) => this.onChange(event));
    this.reports = new NodeStatusReports(timing);
    this.heartbeatTimer = setInterval(() => this.heartbeat(), timing.period(NODE_STATUS_UPDATE_FREQUENCY_MS));
    this.heartbeat();
  }

  stop(): void {
    this.stopped = true;
    this.unregister();
    clearInterval(this.heartbeatTimer);
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

  /** Every nodeStatusUpdateFrequency: renew the Lease, and post the node status if it changed or is due (node-heartbeat.ts). */
  private heartbeat(): void {
    const node = this.store.get('nodes', undefined, this.host.nodeName);
    if (!node) return;
    this.renewLease(node.metadata.uid);
    this.postNodeStatusIfDue(node.status?.conditions ?? [], node.status?.images ?? []);
  }

  private renewLease(nodeUid: string | undefined): void {
    const name = this.host.nodeName;
    const lease = nodeLease(name, nodeUid);
    if (!this.store.get('leases', NODE_LEASE_NAMESPACE, name)) {
      this.store.create('leases', lease);
      return;
    }
    this.store.mutate('leases', NODE_LEASE_NAMESPACE, name, (current) => {
      current.spec = { ...current.spec, ...lease.spec };
    });
  }

  /** The kubelet's own view: Ready True (it is posting), pressures False; an Unknown left by the controller is corrected. */
  private postNodeStatusIfDue(original: Condition[], originalImages: NodeImage[]): void {
    const now = kubeTime();
    const computed = original.map((condition): Condition => {
      if (condition.type === 'Ready' && condition.status !== 'True') {
        return { ...condition, status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastTransitionTime: now };
      }
      if (condition.type !== 'Ready' && condition.status === 'Unknown') return { ...condition, status: 'False', lastTransitionTime: now };
      return condition;
    });
    const images = nodeImages(this.host.pulledImages);
    if (!this.reports.due({ conditions: computed, images }, { conditions: original, images: originalImages })) return;
    const posted = computed.map((condition) => ({ ...condition, lastHeartbeatTime: now }));
    this.store.mutate('nodes', undefined, this.host.nodeName, (node) => {
      node.status.conditions = posted;
      node.status.images = images;
    });
    this.reports.posted({ conditions: posted, images });
  }

  /** The containers already running when this kubelet starts (the seeded add-ons) have written their start-up lines. */
  private adoptRunningContainers(): void {
    for (const pod of this.store.list('pods').filter((p) => p.spec?.nodeName === this.host.nodeName)) {
      for (const status of (pod.status?.containerStatuses ?? []) as Array<{ name: string; state?: Record<string, { startedAt?: string }> }>) {
        const startedAt = status.state?.running?.startedAt ?? status.state?.terminated?.startedAt;
        const container = (pod.spec.containers as Array<{ name: string; image: string }>).find((c) => c.name === status.name);
        if (!startedAt || !container) continue;
        this.host.containerLogs.append(pod.metadata.uid!, container.name,
          startupOutput({ container, startedAt: new Date(startedAt), kernelRelease: this.host.kernelRelease, cpus: this.host.cpus }));
      }
    }
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
