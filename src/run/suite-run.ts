import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ChangeRecord } from '../changes/change-record';
import { CleanupLedger } from '../cleanup/cleanup-ledger';
import { settleAfterFailure } from '../cleanup/failure-policy';
import { isRunLive, liveRunCreating } from '../cleanup/run-liveness';
import type { Removal } from '../cleanup/remove-tracked';
import type { RunOwner } from '../cleanup/run-mark';
import { ConfigurationError } from '../errors';
import { accessNeeds, type AccessProfile } from '../kube/access-needs';
import { missingAccess } from '../preflight/kubernetes-access';
import { preflight } from '../preflight/preflight';
import { workerPreflight } from '../preflight/worker-preflight';
import { Progress, progressMode } from '../progress/progress';
import { ScenarioTally } from '../progress/scenario-tally';
import type { WorkContext, RunIdentity } from '../provisioning/work-context';
import type { Evidence } from '../report/evidence';
import { SecretRegistry } from '../secrets/secret-registry';
import type { WorkerSpec } from '../spec/worker-spec';
import { chooseInstall, type InstallChoice } from '../provisioning/install-choice';
import { placeWorker, type NodePlacement } from '../provisioning/node-placement';
import { WorkerBuild } from '../story/worker-build';
import type { Target } from '../target/target';
import type { TargetPurpose } from '../target/target-config';
import { timeoutsFromEnv } from '../waiting/suite-timeouts';
import { Waits } from '../waiting/waits';
import { Refusal, TargetSession } from './target-session';
import type { TargetRequest, TargetSource } from './target-source';

export interface SuiteRunOptions {
  source: TargetSource;
  env: Record<string, string | undefined>;
  /** Where this run's reports go (REPORTS_DIR, default reports/). */
  reportsDir: string;
}

/** A story's preflight is keyed by its feature file and its Background (several stories may share a run). */
export interface StoryKey {
  featureUri: string;
  spec: () => WorkerSpec;
  /** The fields and raw lines as the Background gave them, for the key. */
  background: unknown;
  /** The feature's step texts that state values. */
  statements: readonly string[];
}

/**
 * One run of the suite in one process: its identity, the secrets it handles, its waits and progress, its record of
 * changes, and the target session it works on. Created when the run starts and handed to every scenario
 * (`this.run` on the World); closed when the run ends.
 */
export class SuiteRun implements AsyncDisposable, RunIdentity {
  readonly owner: RunOwner;
  readonly secrets = new SecretRegistry();
  readonly progress: Progress;
  readonly waits: Waits;
  readonly changes: ChangeRecord;
  /** How the run's scenarios ended so far, for the summary an interrupted run prints. */
  readonly scenarios = new ScenarioTally();
  readonly ledgerDir: string;
  readonly startedAt = Date.now();
  private session?: TargetSession;
  private settling?: Promise<Removal[]>;

  constructor(private readonly options: SuiteRunOptions) {
    const runId = randomBytes(3).toString('hex');
    this.owner = { runId, pid: process.pid, host: hostname(), startedAt: new Date(this.startedAt).toISOString() };
    const mask = (text: string) => this.secrets.mask(text);
    // A parallel run's workers share one terminal: each prints plain lines, none rewrites a live line.
    const terminal = options.env.CUCUMBER_WORKER_ID ? { write: (text: string) => process.stderr.write(text) } : process.stderr;
    this.progress = new Progress(progressMode(options.env.SUITE_PROGRESS), terminal, Date.now, mask);
    this.waits = new Waits(timeoutsFromEnv(options.env.SUITE_TIMEOUTS), this.progress);
    this.changes = new ChangeRecord(join(options.reportsDir, 'changes.jsonl'), runId, mask);
    this.ledgerDir = options.env.SUITE_LEDGER_DIR || join(options.reportsDir, 'cleanup-ledger');
  }

  get id(): string {
    return this.owner.runId;
  }

  get kind(): 'lab' | 'real' {
    return this.options.source.kind;
  }

  /** What this run's durations were measured against (the trend keeps lab and real, and lab timings, apart). */
  get conditions(): string {
    return this.options.source.conditions;
  }

  /** The signal that interrupted the run (Ctrl-C, SIGTERM), once one has. */
  interruptedBy?: NodeJS.Signals;

  /** Ctrl-C or SIGTERM: the phases it cut short end as interrupted, and no further step runs (support/hooks.ts). */
  interrupt(signal: NodeJS.Signals): string[] {
    this.interruptedBy = signal;
    return this.progress.interrupt().map((phase) => phase.name);
  }

  /** What is left for an interrupted run's steps and scenarios: waiting, until its cleanup ends the process. */
  untilExit(): Promise<never> {
    return new Promise<never>(() => {});
  }

  isLive(other: RunOwner): boolean {
    return isRunLive(other, this.ledgerDir, { runId: this.id });
  }

  creating(vmid: number): RunOwner | undefined {
    return liveRunCreating(this.ledgerDir, vmid, { runId: this.id });
  }

  /** Before each scenario: its own timeouts again, and a fresh target if it needs one (each story's own lab). */
  async enterScenario(request: TargetRequest): Promise<void> {
    this.waits.resetOverrides();
    if (this.session && this.options.source.needsFresh(this.session.request, request)) await this.closeSession();
    this.session ??= new TargetSession(request, this.options.source.open(request), this.kind, this, { dir: this.ledgerDir, runId: this.id });
  }

  /** When the current target session began (a story's timeline starts there). */
  get sessionStartedAt(): number {
    return this.session?.startedAt ?? this.startedAt;
  }

  /** The current target, connected on first use; `build` also needs what building a worker needs (Proxmox, token). */
  async target(purpose: TargetPurpose = 'read'): Promise<Target> {
    return (await this.currentSession().open(purpose)).target;
  }

  async ledger(): Promise<CleanupLedger> {
    return (await this.currentSession().open()).ledger;
  }

  /**
   * The Kubernetes rights `profile` uses (src/kube/access-needs.ts), asked once per target session: each refused
   * one is an input problem with the rule that grants it, before the scenario changes anything.
   */
  async requireAccess(profile: AccessProfile, worker?: string): Promise<void> {
    const session = this.currentSession();
    const key = JSON.stringify([profile, worker]);
    let check = session.accessChecks.get(key);
    if (!check) {
      check = this.target(profile === 'nightly' ? 'read' : 'build').then((target) => missingAccess(target, accessNeeds(profile, worker)));
      session.accessChecks.set(key, check);
      check.catch(() => session.accessChecks.delete(key));
    }
    const problems = await check;
    if (problems.length) throw new ConfigurationError(problems);
  }

  /** What tasks are handed, with this scenario's evidence. */
  async context(evidence: Evidence): Promise<WorkContext> {
    const session = this.currentSession();
    const { target, ledger } = await session.open();
    const installChoice = () => (session.installChoice ??= chooseInstall(target));
    return { target, waits: this.waits, evidence, tracker: ledger, run: this, installChoice, placement: (spec) => this.placement(session, target, spec) };
  }

  /** The build of this worker in the current session; a build of another specification under the name is replaced. */
  async worker(spec: WorkerSpec, options: { keepWhenReady?: boolean } = {}): Promise<WorkerBuild> {
    const workers = this.currentSession().workers;
    const existing = workers.get(spec.hostname);
    if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec)) return existing;
    existing?.close();
    const build = new WorkerBuild(spec, options.keepWhenReady ?? true);
    workers.set(spec.hostname, build);
    return build;
  }

  /**
   * Every check that changes nothing, once per story and target: the specification, the variables and endpoints, and
   * what the worker needs from them, reported together. A refusal is remembered for the story's later scenarios.
   */
  preflight(story: StoryKey, scenario: string): Promise<void> {
    const session = this.currentSession();
    const key = storyKeyText(story);
    let verdict = session.preflights.get(key);
    if (!verdict) {
      verdict = this.runPreflight(story).catch((error) => {
        if (error instanceof ConfigurationError) session.refusals.set(key, { scenario, error });
        throw error;
      });
      session.preflights.set(key, verdict);
    }
    return verdict;
  }

  /**
   * A refusal met anywhere in a story (an input problem found once the run was under way, say another run building
   * the same worker) stops its later scenarios as a preflight refusal does.
   */
  rememberRefusal(story: Pick<StoryKey, 'featureUri' | 'background'>, scenario: string, error: ConfigurationError): void {
    const refusals = this.session?.refusals;
    const key = storyKeyText(story);
    if (refusals && !refusals.has(key)) refusals.set(key, { scenario, error });
  }

  /** Whether this story's preflight has run (or is running) on the current target. */
  preflightBegun(story: Pick<StoryKey, 'featureUri' | 'background'>): boolean {
    return this.session?.preflights.has(storyKeyText(story)) ?? false;
  }

  /** The refusal an earlier scenario of this story met, if any. */
  refusal(story: Pick<StoryKey, 'featureUri' | 'background'>): Refusal | undefined {
    return this.session?.refusals.get(storyKeyText(story));
  }

  private async runPreflight(story: StoryKey): Promise<void> {
    const session = this.currentSession();
    await preflight({
      spec: story.spec,
      target: () => this.target('build'),
      worker: async (target, spec) => {
        const installChoice = () => (session.installChoice ??= chooseInstall(target));
        const placement = () => this.placement(session, target, spec);
        const problems = await workerPreflight(target, spec, { statements: story.statements, run: this, installChoice, placement });
        if (problems.length) throw new ConfigurationError(problems);
      },
    });
  }

  /** Where a worker is built, decided once per target session (a failed decision is tried again next time). */
  private placement(session: TargetSession, target: Target, spec: WorkerSpec): Promise<NodePlacement> {
    let placed = session.placements.get(spec.vmid);
    if (!placed) {
      placed = placeWorker(target, spec);
      session.placements.set(spec.vmid, placed);
      placed.catch(() => session.placements.delete(spec.vmid));
    }
    return placed;
  }

  /** Lines about crashed runs' leftovers the start removed, handed out once. */
  takeSweptLeftovers(): string[] {
    return this.session?.takeSwept() ?? [];
  }

  /**
   * The failure policy, for a failed scenario or an interrupted run: what the run created and did not keep is removed
   * (or kept when asked), and builds that had not finished start over if a later scenario needs them.
   */
  settleFailure(evidence: Evidence, after = 'the failure'): Promise<Removal[]> {
    // One settling at a time: an interruption and the failure it causes in the running step ask together.
    this.settling ??= (async () => {
      const session = this.session;
      const target = await session?.openedTarget();
      if (!session || !target) return [];
      const ledger = await this.ledger();
      const removals = await settleAfterFailure(target, ledger, target.config.keepOnFailure, evidence, after);
      for (const [name, build] of session.workers) {
        if (build.ready) continue;
        build.close();
        session.workers.delete(name);
      }
      return removals;
    })().finally(() => (this.settling = undefined));
    return this.settling;
  }

  /** The agent's install choice if this run decided one, without deciding it (end-of-run reporting). */
  installChoiceMade(): Promise<InstallChoice> | undefined {
    return this.session?.installChoice;
  }

  /** The target if one is open now, without opening one (end-of-run reporting). */
  openedTarget(): Promise<Target | undefined> {
    return this.session?.openedTarget() ?? Promise.resolve(undefined);
  }

  async closeSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  async close(): Promise<void> {
    await this.closeSession();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private currentSession(): TargetSession {
    if (!this.session) throw new Error('no target session: a scenario must be entered first (support/hooks.ts)');
    return this.session;
  }
}

function storyKeyText(story: Pick<StoryKey, 'featureUri' | 'background'>): string {
  return JSON.stringify([story.featureUri, story.background]);
}
