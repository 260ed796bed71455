import { IWorldOptions, setWorldConstructor, World } from '@cucumber/cucumber';
import { CleanupLedger } from '../src/cleanup/cleanup-ledger';
import type { ClusterSnapshot } from '../src/health/cluster-snapshot';
import { preflight } from '../src/preflight/preflight';
import { Evidence } from '../src/provisioning/evidence';
import { Target } from '../src/provisioning/target';
import { TestPodRef } from '../src/provisioning/test-pod';
import { WorkerBuild } from '../src/provisioning/worker-build';
import { secrets } from '../src/secrets/secret-registry';
import { parseWorkerSpec, WorkerSpec } from '../src/spec/worker-spec';
import { currentLedger, currentTarget, TargetKind, workerBuild } from './run-state';

export interface StoryParameters {
  /** Set by the cucumber.js profile: the embedded lab (default) or the real systems the environment names. */
  target?: TargetKind;
}

/** Per-scenario state; what outlives a scenario (target, workers) lives in run-state. */
export class StoryWorld extends World<StoryParameters> {
  specFields?: Record<string, string>;
  rawLxcLines: string[] = [];
  testPod?: TestPodRef;
  /** The nightly rehearsal's extra worker. */
  rehearsal?: WorkerBuild;
  /** The nightly checks' reading of the cluster. */
  snapshot?: ClusterSnapshot;
  /** How the story ended in a fault scenario: undefined when it succeeded. */
  outcome?: Error;
  /** What this scenario put in the report, for steps that check the report says what it should. */
  readonly reported: Array<{ title: string; text: string }> = [];

  /** Evidence goes to the report with every registered secret masked. */
  readonly evidence: Evidence = {
    attach: (title, text) => {
      this.reported.push({ title, text: secrets.mask(text) });
      this.attach(secrets.mask(text), { mediaType: 'text/plain', fileName: title });
    },
    note: (message) => {
      this.reported.push({ title: 'note', text: secrets.mask(message) });
      this.log(secrets.mask(message));
    },
  };

  constructor(options: IWorldOptions<StoryParameters>) {
    super(options);
  }

  get kind(): TargetKind {
    return this.parameters.target ?? 'lab';
  }

  private parsed?: { fields: Record<string, string>; rawLxc: string[]; spec: WorkerSpec };

  /** The specification the Background gave, parsed once (and again only if the Background's values change). */
  get spec(): WorkerSpec {
    if (!this.specFields) throw new Error('no worker specification: the feature needs a Background "Given the worker specification:" table');
    if (this.parsed?.fields !== this.specFields || this.parsed.rawLxc !== this.rawLxcLines) {
      this.parsed = { fields: this.specFields, rawLxc: this.rawLxcLines, spec: parseWorkerSpec(this.specFields, this.rawLxcLines) };
    }
    return this.parsed.spec;
  }

  async target(): Promise<Target> {
    const target = await currentTarget(this.kind);
    // Throttling the suite waited out shows in the scenario that met it.
    target.cluster.onRetry = (message) => this.evidence.note(message);
    return target;
  }

  ledger(): Promise<CleanupLedger> {
    return currentLedger(this.kind);
  }

  /**
   * Preflight: the specification, the profile's variables, the three endpoints and what the worker needs from them,
   * checked with reads only and reported as one list of problems, before any step creates anything.
   */
  async preflight(): Promise<void> {
    await preflight({ spec: () => this.spec, target: () => this.target(), worker: async () => (await this.worker()).preflight() });
  }

  worker(): Promise<WorkerBuild> {
    return workerBuild(this.kind, this.spec);
  }
}

setWorldConstructor(StoryWorld);
