import { K3S_VERSION } from '../contracts/k3s-join';
import type { LabTiming } from '../timing';
import { abortableDelay } from './abortable-delay';
import { guestAddress, visibleCores, type GuestView } from './guest-view';
import { HOST_KERNEL } from '../contracts/container-runtime';
import { ContainerLogs } from '../kubelet/container-logs';
import type { KubeApi } from './kube-api';
import { DEFAULT_MAX_PODS, nodeConditions, nodeObject, type NodeCondition } from './node-status';
import { NODE_LEASE_NAMESPACE, NODE_STATUS_UPDATE_FREQUENCY_MS, nodeLease, NodeStatusReports } from '../kubelet/node-heartbeat';
import { nodeImages } from '../kubelet/node-images';
import { PodWorkers } from '../kubelet/pod-workers';
import { apiPodHost } from './api-pod-host';
import { containerdPullFailure } from './image-pull-access';

export interface AgentLogger {
  info(message: string): void;
  klog(severity: 'I' | 'W' | 'E', source: string, message: string): void;
}

/**
 * The kubelet embedded in the k3s agent: registers the Node, renews its Lease every 10 s, posts its status (NotReady
 * until flannel has written the CNI config, then Ready) when it changes or every 5 minutes (lab/kubelet/node-heartbeat.ts),
 * and runs the pods bound to it.
 */
export class Kubelet {
  private conditions?: NodeCondition[];
  /** The registered Node's uid (the Lease's owner) and the Lease as last written. */
  private nodeUid?: string;
  private lease?: any;
  private readonly reports: NodeStatusReports;
  private networkReady = false;
  /** Lab faults, taken once when this kubelet starts. */
  private readonly cniNeverReady: boolean;
  private readonly stopsPostingAfterReady: boolean;
  /** Set once a hung kubelet has posted its one Ready status: no node status leaves it any more. */
  private hung = false;
  /** Aborted when the kubelet hangs: its pod workers stop too, while the containers they started keep running. */
  private readonly hang = new AbortController();
  private readonly podWork: AbortSignal;

  constructor(
    private readonly view: GuestView,
    private readonly api: KubeApi,
    private readonly nodeName: string,
    private readonly osImage: string,
    private readonly signal: AbortSignal,
    private readonly logger: AgentLogger,
    /** --max-pods */
    private readonly maxPods = DEFAULT_MAX_PODS,
    /** The k3s release the agent runs (its kubeletVersion). */
    private readonly version = K3S_VERSION,
    /** The agent's service environment, which containerd's pulls go out with (proxies). */
    private readonly environment: Record<string, string> = {},
  ) {
    this.cniNeverReady = view.faults.takeKubeletNeverReady();
    this.stopsPostingAfterReady = view.faults.takeKubeletStopsPosting();
    this.podWork = AbortSignal.any([signal, this.hang.signal]);
    this.reports = new NodeStatusReports(view.timing);
  }

  private klog(severity: 'I' | 'W' | 'E', source: string, message: string): void {
    this.logger.klog(severity, source, message);
  }

  private get timing(): LabTiming {
    return this.view.timing;
  }

  /** Registers the node, then keeps it alive until the agent stops; `registered` is the agent's READY moment. */
  async run(registered: () => void): Promise<void> {
    await this.register();
    registered();
    void this.flannel();
    void this.watchPods();
    while (!this.signal.aborted) {
      try {
        // Lease renewals and status checks both come every 10 s (lab/kubelet/node-heartbeat.ts).
        await abortableDelay(this.timing.period(NODE_STATUS_UPDATE_FREQUENCY_MS), this.signal);
      } catch {
        return;
      }
      await this.renewLease();
      await this.postStatus(false);
    }
  }

  private async register(): Promise<void> {
    this.klog('I', 'kubelet_node_status.go:75', `"Attempting to register node" node="${this.nodeName}"`);
    for (;;) {
      this.conditions = nodeConditions(this.networkReady, this.conditions);
      const node = nodeObject(this.nodeName, this.view.bootConfig(), this.osImage, this.conditions, this.maxPods, this.version);
      try {
        const created = await this.api.request('POST', '/api/v1/nodes', node, 'application/json', this.signal);
        if (created.status === 201 || created.status === 200) {
          this.nodeUid = created.json?.metadata?.uid;
          break;
        }
        if (created.status === 409) {
          // Re-registration of an existing Node: bring its labels, annotations and status up to date.
          const patched = await this.api.request('PATCH', `/api/v1/nodes/${this.nodeName}`, { metadata: node.metadata }, 'application/merge-patch+json', this.signal);
          this.nodeUid = patched.json?.metadata?.uid;
          await this.postStatus(true);
          break;
        }
        this.klog('E', 'kubelet_node_status.go:107', `"Unable to register node with API server" err="${created.json?.message ?? created.status}" node="${this.nodeName}"`);
      } catch (error) {
        if (this.signal.aborted) throw error;
        this.klog('E', 'kubelet_node_status.go:107', `"Unable to register node with API server" err="${(error as Error).message}" node="${this.nodeName}"`);
      }
      await abortableDelay(this.timing.period(2000), this.signal);
    }
    this.klog('I', 'kubelet_node_status.go:78', `"Successfully registered node" node="${this.nodeName}"`);
    await this.renewLease();
  }

  /**
   * The node lease controller: the first renewal gets (or creates) kube-node-lease/<node>, later ones PUT it back
   * with a new renewTime; a failed update is logged and the next renewal starts from a fresh GET. A hung kubelet
   * (kubeletStopsPosting) renews no more.
   */
  private async renewLease(): Promise<void> {
    if (this.signal.aborted || this.hung) return;
    const leases = `/apis/coordination.k8s.io/v1/namespaces/${NODE_LEASE_NAMESPACE}/leases`;
    try {
      if (!this.lease) {
        const found = await this.api.request('GET', `${leases}/${this.nodeName}`, undefined, 'application/json', this.signal);
        if (found.status === 404) {
          const created = await this.api.request('POST', leases, nodeLease(this.nodeName, this.nodeUid), 'application/json', this.signal);
          if (created.status === 201) this.lease = created.json;
          return;
        }
        if (found.status !== 200) throw new Error(`status ${found.status}: ${found.json?.message ?? ''}`);
        this.lease = found.json;
      }
      const renewed = { ...this.lease, spec: { ...this.lease.spec, ...nodeLease(this.nodeName, this.nodeUid).spec } };
      const updated = await this.api.request('PUT', `${leases}/${this.nodeName}`, renewed, 'application/json', this.signal);
      if (updated.status !== 200) throw new Error(`status ${updated.status}: ${updated.json?.message ?? ''}`);
      this.lease = updated.json;
    } catch (error) {
      this.lease = undefined;
      if (!this.signal.aborted) this.klog('E', 'controller.go:145', `"Failed to ensure lease exists, will retry" err="${(error as Error).message}" interval="7s"`);
    }
  }

  /**
   * flannel writes /run/flannel/subnet.env and the CNI config some seconds after the agent starts. Under the
   * kubeletNeverReady fault it never does, so the runtime's network stays "cni plugin not initialized".
   */
  private async flannel(): Promise<void> {
    if (this.cniNeverReady) return;
    try {
      await this.timing.wait(15_000, this.signal);
    } catch {
      return;
    }
    await this.view.fs.mkdir('/run/flannel', { recursive: true });
    await this.view.fs.writeFile('/run/flannel/subnet.env', `FLANNEL_NETWORK=10.42.0.0/16\nFLANNEL_SUBNET=10.42.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`);
    this.logger.info(`Flannel found PodCIDR assigned for node ${this.nodeName}`);
    this.networkReady = true;
    await this.postStatus(false);
  }

  /** Posts the node status when it changed or the report frequency has passed (`full` on re-registration: always). */
  private async postStatus(full: boolean): Promise<void> {
    if (this.signal.aborted || this.hung) return;
    const conditions = nodeConditions(this.networkReady, this.conditions);
    const images = nodeImages(this.view.images);
    if (!full && !this.reports.due({ conditions, images })) return;
    this.conditions = conditions;
    const status = full
      ? { ...nodeObject(this.nodeName, this.view.bootConfig(), this.osImage, this.conditions, this.maxPods, this.version).status, images }
      : { conditions: this.conditions, images };
    // kubeletStopsPosting: this Ready post is the last one (the kubelet hangs right after it).
    if (this.networkReady && this.stopsPostingAfterReady && !this.hung) {
      this.hung = true;
      this.hang.abort(new Error('kubelet hung (lab fault)'));
    }
    try {
      const result = await this.api.request('PATCH', `/api/v1/nodes/${this.nodeName}/status`, { status }, 'application/merge-patch+json', this.signal);
      if (result.status === 200) this.reports.posted({ conditions, images });
      if (result.status === 404) {
        this.klog('E', 'kubelet_node_status.go:535', `"Error updating node status, will retry" err="error getting node \\"${this.nodeName}\\": nodes \\"${this.nodeName}\\" not found"`);
      }
    } catch (error) {
      if (!this.signal.aborted) this.klog('E', 'kubelet_node_status.go:535', `"Error updating node status, will retry" err="${(error as Error).message}"`);
    }
  }

  private async watchPods(): Promise<void> {
    const podSignal = this.podWork;
    const ip = guestAddress(this.view.bootConfig())?.ip ?? '';
    const logs = new ContainerLogs();
    const facts = { nodeName: this.nodeName, hostIp: ip, kernelRelease: HOST_KERNEL.release, cpus: visibleCores(this.view.bootConfig()) };
    const host = apiPodHost(this.api, facts, this.timing, this.view.node.registry, logs, this.view.images, podSignal,
      (image) => containerdPullFailure(this.view, this.environment, image));
    // The API server reaches this kubelet at <node ip>:10250 for pod logs while it runs.
    const unregister = this.view.node.kubelets.register(this.nodeName, { address: ip, logs });
    this.signal.addEventListener('abort', unregister, { once: true });
    const workers = new PodWorkers(host, (pod) => pod, (message) => this.klog('E', 'pod_workers.go:1301', `"Error syncing pod, skipping" err="${message}"`));
    podSignal.addEventListener('abort', () => workers.stop(podSignal.reason), { once: true });
    const selector = `fieldSelector=${encodeURIComponent(`spec.nodeName=${this.nodeName}`)}`;
    while (!podSignal.aborted) {
      try {
        const list = await this.api.request('GET', `/api/v1/pods?${selector}`, undefined, 'application/json', podSignal);
        for (const pod of list.json?.items ?? []) workers.handle('ADDED', pod);
        let resourceVersion: string = list.json?.metadata?.resourceVersion ?? '';
        for await (const event of this.api.watch(`/api/v1/pods?${selector}&watch=true&resourceVersion=${resourceVersion}&allowWatchBookmarks=true`, podSignal)) {
          if (event.type === 'ERROR') break; // e.g. 410 Gone: list again
          resourceVersion = event.object?.metadata?.resourceVersion ?? resourceVersion;
          if (event.type !== 'BOOKMARK') workers.handle(event.type, event.object);
        }
      } catch (error) {
        if (podSignal.aborted) return;
        this.klog('W', 'reflector.go:561', `"Failed to watch" err="${(error as Error).message}" reflector="pkg/kubelet/config/apiserver.go:66" type="*v1.Pod"`);
      }
      // A lost watch is re-established after a short pause, as client-go's reflector does.
      try {
        await abortableDelay(this.timing.period(1000), podSignal);
      } catch {
        return;
      }
    }
  }
}
