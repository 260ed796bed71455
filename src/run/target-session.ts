import { CleanupLedger, newLedgerRun } from '../cleanup/cleanup-ledger';
import { forgetDeadLabRuns, sweepLeftovers } from '../cleanup/sweep-leftovers';
import { ConfigurationError, type InputProblem } from '../errors';
import { discardEvidence } from '../report/evidence';
import type { InstallChoice } from '../provisioning/install-choice';
import type { NodePlacement } from '../provisioning/node-placement';
import type { WorkerBuild } from '../story/worker-build';
import { connectTarget } from '../target/connect-target';
import { readTargetConfig, type TargetConfig, type TargetPurpose } from '../target/target-config';
import type { RunServices, Target } from '../target/target';
import type { TargetOpening, TargetRequest } from './target-source';

const LAB_TARGET_PREFIX = 'lab ';

/** A refusal of the preflight, remembered so later scenarios of the same story are skipped with a pointer to it. */
export interface Refusal {
  scenario: string;
  error: ConfigurationError;
}

/**
 * One opened target and what the run keeps about it: the connected clients, the crash-safe ledger, the workers being
 * built, the preflight verdicts per story, and what the start swept of crashed runs. A new lab gets a new session.
 */
export class TargetSession implements AsyncDisposable {
  readonly workers = new Map<string, WorkerBuild>();
  readonly preflights = new Map<string, Promise<void>>();
  readonly refusals = new Map<string, Refusal>();
  readonly startedAt = Date.now();
  /** What the agent is installed at, decided once for this target. */
  installChoice?: Promise<InstallChoice>;
  /** Where each worker (by VMID) is built, decided once. */
  readonly placements = new Map<number, Promise<NodePlacement>>();
  /** The Kubernetes rights each profile was found to lack (src/preflight/kubernetes-access.ts), asked once. */
  readonly accessChecks = new Map<string, Promise<InputProblem[]>>();
  private swept: string[] = [];
  private configuration?: Promise<ReturnType<typeof readTargetConfig>>;
  private opened?: Promise<{ target: Target; ledger: CleanupLedger }>;

  constructor(
    readonly request: TargetRequest,
    private readonly opening: Promise<TargetOpening>,
    private readonly kind: 'lab' | 'real',
    private readonly services: RunServices,
    private readonly ledger: { dir: string; runId: string },
  ) {}

  /**
   * Connects on first use; every unusable variable and unreachable endpoint is reported together. For purpose 'build'
   * the variables a build needs and the environment left unset are among them.
   */
  async open(purpose: TargetPurpose = 'read'): Promise<{ target: Target; ledger: CleanupLedger }> {
    const { config, problems, missingForBuild } = await (this.configuration ??= this.opening.then(({ env }) => readTargetConfig(env, this.services.secrets)));
    const refused = [...problems, ...(purpose === 'build' ? missingForBuild : [])];
    if (refused.length || !config) throw new ConfigurationError(refused);
    this.opened ??= this.connect(config);
    return this.opened;
  }

  private async connect(config: TargetConfig): Promise<{ target: Target; ledger: CleanupLedger }> {
    const { target, problems } = await connectTarget(config, this.kind, this.services);
    if (!target) throw new ConfigurationError(problems);
    // A crashed run's ledger is swept on the same clusters only: the Proxmox cluster (whichever node was chosen or
    // answered; a standalone node by its endpoint) and the Kubernetes API server. A run without Proxmox credentials
    // is its own target: it sweeps what earlier such runs left (their pods), never a container it could not reach.
    const proxmoxId = target.canBuild ? await this.proxmoxIdentity(target) : undefined;
    const targetId = `${this.kind === 'lab' ? LAB_TARGET_PREFIX : ''}${proxmoxId ? `${proxmoxId} ` : ''}${target.cluster.server}`;
    forgetDeadLabRuns(this.ledger.dir, (id) => id.startsWith(LAB_TARGET_PREFIX));
    this.swept = await sweepLeftovers(target, this.ledger.dir, targetId, discardEvidence);
    return { target, ledger: new CleanupLedger(this.ledger.dir, newLedgerRun(this.ledger.runId, targetId)) };
  }

  private async proxmoxIdentity(target: Target): Promise<string> {
    const pveCluster = (await target.proxmox.clusterStatus().catch(() => undefined))?.cluster;
    return pveCluster ? `pve-cluster ${pveCluster}` : target.build.proxmox.endpoint.origin;
  }

  /** The target if it was opened, without opening it. */
  async openedTarget(): Promise<Target | undefined> {
    return this.opened ? (await this.opened.catch(() => undefined))?.target : undefined;
  }

  /** Lines about crashed runs' leftovers removed at the start, handed out once. */
  takeSwept(): string[] {
    const lines = this.swept;
    this.swept = [];
    return lines;
  }

  async close(): Promise<void> {
    for (const build of this.workers.values()) build.close();
    this.workers.clear();
    const opened = await this.opened?.catch(() => undefined);
    opened?.ledger.finish();
    opened?.target.close();
    await (await this.opening.catch(() => undefined))?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
