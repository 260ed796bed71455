import { InfrastructureError } from '../errors';
import { WorkerSpec } from '../spec/worker-spec';
import { SshSession } from '../ssh/ssh-session';
import { Evidence } from './evidence';
import { checkControlPlaneReachable, installAgent } from './join-agent';
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
  ready = false;

  constructor(
    readonly spec: WorkerSpec,
    private readonly target: Target,
    private readonly runId: string,
    /** Called the moment a container is created, before anything else can fail, so cleanup knows about it. */
    private readonly onCreated: (vmid: number) => void,
  ) {}

  get serverUrl(): string {
    return `https://${this.spec.controlPlane.host}:${this.spec.controlPlane.port}`;
  }

  async ensureContainer(evidence: Evidence): Promise<ProvisionedContainer> {
    this.container ??= await provisionContainer(this.target, this.spec, this.runId, evidence, this.onCreated);
    return this.container;
  }

  async guestSession(evidence: Evidence): Promise<SshSession> {
    const container = await this.ensureContainer(evidence);
    this.guest ??= await openGuestSession(this.target, container);
    return this.guest;
  }

  async ensureControlPlaneReachable(evidence: Evidence): Promise<void> {
    this.requireK3sUrlAgrees();
    await checkControlPlaneReachable(await this.guestSession(evidence), this.spec.controlPlane, this.target.config.k3s.token, evidence);
  }

  async install(evidence: Evidence): Promise<void> {
    await this.ensureControlPlaneReachable(evidence);
    await installAgent(await this.guestSession(evidence), this.serverUrl, this.target.config.k3s.token, evidence);
    this.installed = true;
  }

  /** The worker joined and Ready: installs the agent first if this run has not (and the cluster does not already have it Ready). */
  async ensureReady(evidence: Evidence): Promise<void> {
    if (this.ready) return;
    if (!this.installed && !(await this.alreadyReady())) await this.install(evidence);
    await waitForNodeReady(this.target.cluster, this.spec.hostname);
    this.ready = true;
  }

  close(): void {
    this.guest?.close();
    this.guest = undefined;
  }

  private async alreadyReady(): Promise<boolean> {
    try {
      const node = await this.target.cluster.core.readNode({ name: this.spec.hostname });
      return node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
    } catch {
      return false;
    }
  }

  /** K3S_URL, when the environment sets it, must name the control plane the feature names. */
  private requireK3sUrlAgrees(): void {
    const url = this.target.config.k3s.url;
    if (url && (url.hostname !== this.spec.controlPlane.host || Number(url.port || 443) !== this.spec.controlPlane.port)) {
      throw new InfrastructureError('join', `K3S_URL ${url.href} names another server than the feature's control plane ${this.spec.controlPlane.host}:${this.spec.controlPlane.port}; make them agree`);
    }
  }
}
