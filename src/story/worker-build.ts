import type { TrackedResource } from '../cleanup/cleanup-ledger';
import { nodePasswordSecretName } from '../k3s/node-password';
import { openGuestSession, provisionContainer, type ProvisionedContainer } from '../provisioning/provision-container';
import { checkControlPlaneReachable } from '../provisioning/join-agent';
import type { WorkContext } from '../provisioning/work-context';
import type { WorkerSpec } from '../spec/worker-spec';
import type { SshSession } from '../ssh/ssh-session';

/**
 * One worker being built across the story's scenarios. Each criterion's Given asks for what it needs and gets what
 * an earlier scenario of the same run made, so the feature provisions once but every scenario can also run alone.
 * Closing it ends its SSH session to the guest.
 */
export class WorkerBuild implements AsyncDisposable {
  container?: ProvisionedContainer;
  private guest?: SshSession;
  /** The agent was installed, or found joined, by this run. */
  joined = false;
  ready = false;

  constructor(
    readonly spec: WorkerSpec,
    /** A worker built to be removed again (the rehearsal, parallel growth) stays on the ledger even once Ready. */
    readonly keepWhenReady = true,
  ) {}

  get serverUrl(): string {
    return `https://${this.spec.controlPlane.host}:${this.spec.controlPlane.port}`;
  }

  async ensureContainer(ctx: WorkContext): Promise<ProvisionedContainer> {
    this.container ??= await provisionContainer(ctx, this.spec);
    return this.container;
  }

  async guestSession(ctx: WorkContext): Promise<SshSession> {
    const container = await this.ensureContainer(ctx);
    this.guest ??= await openGuestSession(ctx.target, container, ctx.waits);
    return this.guest;
  }

  async ensureControlPlaneReachable(ctx: WorkContext): Promise<void> {
    await checkControlPlaneReachable(await this.guestSession(ctx), this.spec.controlPlane, ctx.target.build.k3sToken, ctx.evidence);
  }

  /** A new connection next time (after one was lost mid-command). */
  dropGuestSession(): void {
    this.guest?.close();
    this.guest = undefined;
  }

  /** A Ready worker is the story's result, not debris: it stays when a later scenario fails. */
  keep(ctx: WorkContext): void {
    if (!this.keepWhenReady) return;
    for (const resource of this.joinObjects()) ctx.tracker.kept(resource);
    ctx.tracker.kept({ kind: 'container', vmid: this.spec.vmid, hostname: this.spec.hostname });
  }

  /** The Node and node-password secret the join creates, as the ledger names them. */
  joinObjects(): [TrackedResource, TrackedResource] {
    return [
      { kind: 'node', name: this.spec.hostname, ip: this.spec.ip },
      { kind: 'node-password-secret', name: nodePasswordSecretName(this.spec.hostname) },
    ];
  }

  close(): void {
    this.dropGuestSession();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
