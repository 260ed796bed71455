import { ResourceTracker, TrackedResource } from '../cleanup/cleanup-ledger';
import { ConfigurationError, SshConnectionLost } from '../errors';
import { workerPreflight } from '../preflight/worker-preflight';
import { unlessNotFound } from '../kube/cluster-client';
import { WorkerSpec } from '../spec/worker-spec';
import { SshSession } from '../ssh/ssh-session';
import { Evidence } from './evidence';
import { checkControlPlaneReachable, controlPlaneVersion, installAgent } from './join-agent';
import { waitForNodeReady } from './node-ready';
import { openGuestSession, provisionContainer, ProvisionedContainer } from './provision-container';
import { Target } from './target';

/**
 * One worker being built across the story's scenarios. Each criterion's Given asks for what it needs and gets what
 * an earlier scenario of the same run made, so the feature provisions once but every scenario can also run alone.
 */
export class WorkerBuild {
  container?: ProvisionedContainer;
  private guest?: SshSession;
  private installed = false;
  private preflighted?: Promise<void>;
  ready = false;

  constructor(
    readonly spec: WorkerSpec,
    private readonly target: Target,
    private readonly runId: string,
    /** Told before anything is created, so a failure or a crash can remove it again. */
    private readonly tracker: ResourceTracker,
    /** A worker built to be removed again (the nightly rehearsal) stays on the ledger even once Ready. */
    private readonly keepWhenReady = true,
  ) {}

  get serverUrl(): string {
    return `https://${this.spec.controlPlane.host}:${this.spec.controlPlane.port}`;
  }

  /** Every check that needs no change to anything (src/preflight/), once per build; problems come all together. */
  preflight(): Promise<void> {
    this.preflighted ??= workerPreflight(this.target, this.spec).then((problems) => {
      if (problems.length) throw new ConfigurationError(problems);
    });
    return this.preflighted;
  }

  async ensureContainer(evidence: Evidence): Promise<ProvisionedContainer> {
    await this.preflight();
    this.container ??= await provisionContainer(this.target, this.spec, this.runId, evidence, this.tracker);
    return this.container;
  }

  async guestSession(evidence: Evidence): Promise<SshSession> {
    const container = await this.ensureContainer(evidence);
    this.guest ??= await openGuestSession(this.target, container);
    return this.guest;
  }

  async ensureControlPlaneReachable(evidence: Evidence): Promise<void> {
    await checkControlPlaneReachable(await this.guestSession(evidence), this.spec.controlPlane, this.target.config.k3s.token, evidence);
  }

  async install(evidence: Evidence): Promise<void> {
    await this.ensureControlPlaneReachable(evidence);
    await this.trackJoinObjects();
    const version = await controlPlaneVersion(this.target.cluster.kubeconfig);
    try {
      await installAgent(await this.guestSession(evidence), this.serverUrl, this.target.config.k3s.token, version, evidence);
    } catch (error) {
      if (!(error instanceof SshConnectionLost)) throw error;
      // install.sh is idempotent: on a new connection, run it once more rather than guess how far it got.
      evidence.note(`${error.message}; reconnecting and running the installer again`);
      this.close();
      await installAgent(await this.guestSession(evidence), this.serverUrl, this.target.config.k3s.token, version, evidence);
    }
    this.installed = true;
  }

  /** The worker joined and Ready: installs the agent first if this run has not (and the cluster does not already have it Ready). */
  async ensureReady(evidence: Evidence): Promise<void> {
    if (this.ready) return;
    if (!this.installed && !(await this.alreadyReady())) await this.install(evidence);
    await waitForNodeReady(this.target.cluster, this.spec.hostname);
    this.ready = true;
    // A Ready worker is the story's result, not debris: it stays when a later scenario fails.
    if (!this.keepWhenReady) return;
    for (const resource of this.joinObjects()) this.tracker.kept(resource);
    this.tracker.kept({ kind: 'container', vmid: this.spec.vmid, hostname: this.spec.hostname });
  }

  close(): void {
    this.guest?.close();
    this.guest = undefined;
  }

  /** The Node and node-password secret the join will create, as the ledger names them. */
  private joinObjects(): TrackedResource[] {
    return [
      { kind: 'node', name: this.spec.hostname, ip: this.spec.ip },
      { kind: 'node-password-secret', name: `${this.spec.hostname}.node-password.k3s` },
    ];
  }

  /**
   * Records the Node and secret the agent is about to create, but only those that do not exist yet: a stale
   * node-password secret left by an earlier machine is someone else's, and the join's error says what to do with it.
   */
  private async trackJoinObjects(): Promise<void> {
    const [node, secret] = this.joinObjects();
    if (!(await unlessNotFound(this.target.cluster.core.readNode({ name: this.spec.hostname })))) this.tracker.intend(node);
    if (!(await unlessNotFound(this.target.cluster.core.readNamespacedSecret({ name: `${this.spec.hostname}.node-password.k3s`, namespace: 'kube-system' })))) {
      this.tracker.intend(secret);
    }
  }

  private async alreadyReady(): Promise<boolean> {
    try {
      const node = await this.target.cluster.core.readNode({ name: this.spec.hostname });
      return node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
    } catch {
      return false;
    }
  }
}
