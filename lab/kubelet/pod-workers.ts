import type { KubeObject } from '../contracts/kube-object';
import { runPod, terminatePod, type PodHost } from './pod-lifecycle';

/**
 * The kubelet's pod workers (pkg/kubelet/pod_workers.go), one per pod bound to this node: a new pod is started
 * through the shared lifecycle, a pod with a deletionTimestamp is stopped and then deleted for good, and a pod the
 * watch reports DELETED is dropped. Pods already Running or finished when the kubelet starts are left as they are:
 * their containers outlive a kubelet restart.
 */
export class PodWorkers {
  private readonly running = new Map<string, AbortController>();
  private readonly terminating = new Set<string>();
  private readonly stopped = new AbortController();

  constructor(
    private readonly host: PodHost,
    /** The pod as the kubelet last saw it, for the termination that starts a tick later. */
    private readonly latest: (pod: KubeObject) => KubeObject | Promise<KubeObject>,
    /** Where a failed worker says why (the master logs a process warning, an agent its journal). */
    private readonly log: (message: string) => void,
  ) {}

  /** Reacts to a pod as a watch reports it; work continues in the background. */
  handle(type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: KubeObject): void {
    if (this.stopped.signal.aborted) return;
    const uid = pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (type === 'DELETED') {
      this.running.get(uid)?.abort(new Error('pod deleted'));
      this.running.delete(uid);
      return;
    }
    if (pod.metadata.deletionTimestamp) return this.terminate(uid, pod);
    if (this.running.has(uid)) return;
    const phase = pod.status?.phase;
    const controller = new AbortController();
    this.running.set(uid, controller);
    if (phase === 'Running' || phase === 'Succeeded' || phase === 'Failed') return;
    const signal = AbortSignal.any([controller.signal, this.stopped.signal]);
    runPod(pod, this.host, signal).catch((error) => {
      if (!signal.aborted) this.log(`pod ${pod.metadata.namespace}/${pod.metadata.name} failed: ${(error as Error).message}`);
    });
  }

  /** The kubelet stops: every worker ends where it is (the containers keep running). */
  stop(reason = new Error('kubelet stopped')): void {
    this.stopped.abort(reason);
    for (const controller of this.running.values()) controller.abort(reason);
  }

  private terminate(uid: string, pod: KubeObject): void {
    if (this.terminating.has(uid)) return;
    this.terminating.add(uid);
    this.running.get(uid)?.abort(new Error('pod terminating'));
    setImmediate(() => {
      void (async () => terminatePod(await this.latest(pod), this.host, this.stopped.signal))()
        .catch((error) => {
          if (!this.stopped.signal.aborted) this.log(`stopping ${pod.metadata.namespace}/${pod.metadata.name} failed: ${(error as Error).message}`);
        })
        .finally(() => this.terminating.delete(uid));
    });
  }
}
