import { IWorldOptions, setWorldConstructor, World } from '@cucumber/cucumber';
import type { ClusterSnapshot } from '../src/health/cluster-snapshot';
import type { TestPodRef } from '../src/provisioning/test-pod';
import type { WorkContext } from '../src/provisioning/work-context';
import { type Evidence, noteTitle } from '../src/report/evidence';
import type { StoryKey, SuiteRun } from '../src/run/suite-run';
import { hostExposureWarnings } from '../src/spec/host-exposure';
import { parseWorkerSpec, WorkerSpec } from '../src/spec/worker-spec';
import type { StoryMode } from '../src/story/story-mode';
import type { WorkerBuild } from '../src/story/worker-build';
import type { Target } from '../src/target/target';
import { currentRun } from './run-holder';

export interface StoryParameters {
  /** Set by the cucumber.js profile: the embedded lab (default) or the real systems the environment names. */
  target?: 'lab' | 'real';
}

/** Per-scenario state. What outlives a scenario (the target, the workers, the ledger) lives in the run. */
export class StoryWorld extends World<StoryParameters> {
  /** The run this scenario belongs to (support/hooks.ts starts it; a --dry-run starts none and never asks). */
  get run(): SuiteRun {
    return currentRun();
  }
  /** Cucumber builds a World per scenario: this is when the scenario began. */
  readonly startedAt = new Date();
  /** `verify` for the scenarios of a read-only Rule (the nightly): they only read and report what they find. */
  mode: StoryMode = 'build';
  specFields?: Record<string, string>;
  rawLxcLines: string[] = [];
  /** Where this scenario is, the worker its Background describes, and the feature's step texts that state values. */
  featureUri = '';
  background = '';
  scenarioName = '';
  statements: string[] = [];
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
      const masked = this.run.secrets.mask(text);
      this.reported.push({ title, text: masked });
      this.attach(masked, { mediaType: 'text/plain', fileName: title });
    },
    // A note is named by what it says (not cucumber's unnamed log, which Allure offers only as a download).
    note: (message) => {
      const masked = this.run.secrets.mask(message);
      this.reported.push({ title: 'note', text: masked });
      this.attach(masked, { mediaType: 'text/plain', fileName: noteTitle(masked) });
    },
  };

  constructor(options: IWorldOptions<StoryParameters>) {
    super(options);
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

  /** This scenario's story, as the preflight and its remembered refusal know it. */
  get story(): StoryKey {
    return { featureUri: this.featureUri, spec: () => this.spec, background: this.background, statements: this.statements };
  }

  /** The target; a read-only scenario first has the nightly's Kubernetes rights checked (once per target). */
  async target(): Promise<Target> {
    const target = await this.run.target();
    if (this.mode === 'verify') await this.run.requireAccess('nightly');
    // Throttling the suite waited out shows in the scenario that met it.
    target.cluster.onRetry = (message) => this.evidence.note(message);
    return target;
  }

  /** What the story's tasks are handed, with this scenario's evidence. */
  async context(): Promise<WorkContext> {
    await this.target();
    return this.run.context(this.evidence);
  }

  /**
   * Preflight: the specification, the profile's variables, the three endpoints and what the worker needs from them,
   * checked with reads only and reported as one list of problems, before any step creates anything.
   */
  async preflight(): Promise<void> {
    const first = !this.run.preflightBegun(this.story);
    await this.run.preflight(this.story, this.scenarioName);
    // Warnings for the sign-off reader, once per story: what the specification, accepted as it is, lets happen.
    if (first) for (const warning of hostExposureWarnings(this.spec)) this.evidence.attach('Warning: what the raw LXC lines allow', warning);
  }

  worker(): Promise<WorkerBuild> {
    return this.run.worker(this.spec);
  }
}

setWorldConstructor(StoryWorld);
