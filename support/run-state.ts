import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CleanupLedger, newLedgerRun } from '../src/cleanup/cleanup-ledger';
import { settleAfterFailure } from '../src/cleanup/failure-policy';
import { forgetDeadLabRuns, sweepLeftovers } from '../src/cleanup/sweep-leftovers';
import { discardEvidence, Evidence } from '../src/provisioning/evidence';
import { Target } from '../src/provisioning/target';
import { WorkerBuild } from '../src/provisioning/worker-build';
import { WorkerSpec } from '../src/spec/worker-spec';
import { openTarget } from './open-target';

/**
 * What one cucumber process shares across scenarios: the target (and, on the default profile, the embedded lab
 * behind it) and the workers being built. Only this file knows the lab exists.
 */
export type TargetKind = 'lab' | 'real';

interface RunningLabHandle {
  env: Record<string, string>;
  /** Arms the lab's named fault switches (lab/fault-switches.ts). */
  armFaults(names: string[], story: { hostname: string }): Promise<void>;
  stop(): Promise<void>;
}

/** Faults the next embedded lab is armed with before the suite connects to it (a scenario's @fault: tags). */
let pendingFaults: { names: string[]; story: { hostname: string } } | undefined;

/** The next lab starts fresh with these faults armed; the current one, if any, is closed first. */
export async function useFaultsOnNextLab(names: string[], story: { hostname: string }): Promise<void> {
  await closeRun();
  pendingFaults = { names, story };
}

/** Short, unique per run: names test pods and tags what the run creates. */
export const runId = randomBytes(3).toString('hex');

let lab: Promise<RunningLabHandle> | undefined;
/** The feature file the embedded lab was started for: each story rehearses on a fresh lab of its own. */
let labFeature: string | undefined;
let currentFeature: string | undefined;
let target: Promise<Target> | undefined;
const workers = new Map<string, WorkerBuild>();
/** What this run is creating on the opened target, on disk (src/cleanup/cleanup-ledger.ts). */
let ledger: CleanupLedger | undefined;
/** What the start of the run found and removed of crashed runs, for the first scenario's report. */
let sweptLeftovers: string[] = [];

/** Crash-safe records live next to the reports unless SUITE_LEDGER_DIR says otherwise. */
export const ledgerDir = process.env.SUITE_LEDGER_DIR || join(process.env.REPORTS_DIR || 'reports', 'cleanup-ledger');
const LAB_TARGET_PREFIX = 'lab ';

/** When the current feature file's first scenario started, for its timeline. */
export let featureStartedAt = 0;

/** Called before each scenario with its feature file. */
export async function enterFeature(uri: string, kind: TargetKind): Promise<void> {
  if (uri !== currentFeature) featureStartedAt = Date.now();
  currentFeature = uri;
  if (kind === 'lab' && labFeature !== undefined && labFeature !== uri) await closeRun();
}

export function currentTarget(kind: TargetKind): Promise<Target> {
  if (kind === 'lab') labFeature = currentFeature;
  target ??= (async () => {
    const opened = kind === 'real' ? await openTarget(process.env, 'real') : await openTarget((await (lab ??= startArmedLab())).env, 'lab');
    const targetId = `${kind === 'lab' ? LAB_TARGET_PREFIX : ''}${opened.config.proxmox.endpoint.origin}/${opened.proxmox.node} ${opened.cluster.server}`;
    forgetDeadLabRuns(ledgerDir, (id) => id.startsWith(LAB_TARGET_PREFIX));
    sweptLeftovers = await sweepLeftovers(opened, ledgerDir, targetId, discardEvidence);
    ledger = new CleanupLedger(ledgerDir, newLedgerRun(runId, targetId));
    return opened;
  })();
  return target;
}

/** This run's ledger; only exists once the target is open, which every creating step needs first. */
export async function currentLedger(kind: TargetKind): Promise<CleanupLedger> {
  await currentTarget(kind);
  return ledger!;
}

/** Lines about crashed runs' leftovers removed at the start, handed out once. */
export function takeSweptLeftovers(): string[] {
  const lines = sweptLeftovers;
  sweptLeftovers = [];
  return lines;
}

async function startArmedLab(): Promise<RunningLabHandle> {
  const started = await startEmbeddedLab();
  const faults = pendingFaults;
  pendingFaults = undefined;
  if (faults) await started.armFaults(faults.names, faults.story);
  return started;
}

async function startEmbeddedLab(): Promise<RunningLabHandle> {
  // Loaded only on the default profile, so a real run never even loads the lab's code.
  const { startLab } = await import('../lab');
  const { labOptionsFromEnv } = await import('../lab/lab-settings');
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-lab-'));
  const lab = await startLab(labOptionsFromEnv(process.env, stateDir));
  const { armFault } = await import('../lab/fault-switches');
  return {
    env: lab.env,
    armFaults: async (names, story) => {
      for (const name of names) await armFault(lab, name, story);
    },
    // The lab's keys, token and kubeconfig live only as long as the lab.
    stop: async () => {
      await lab.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function workerBuild(kind: TargetKind, spec: WorkerSpec, options: { keepWhenReady?: boolean } = {}): Promise<WorkerBuild> {
  const existing = workers.get(spec.hostname);
  if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec)) return existing;
  const build = new WorkerBuild(spec, await currentTarget(kind), runId, await currentLedger(kind), options.keepWhenReady ?? true);
  workers.set(spec.hostname, build);
  return build;
}

/**
 * The failure policy, for a failed scenario or an interrupted run: what the run created and did not keep is removed
 * (or kept when asked), and builds that had not finished start over if a later scenario needs them.
 */
export function settleFailedRun(evidence: Evidence): Promise<void> {
  // One settling at a time: an interruption and the failure it causes in the running step ask together.
  settling ??= (async () => {
    const opened = await openedTarget();
    if (!opened || !ledger) return;
    await settleAfterFailure(opened, ledger, opened.config.keepOnFailure, evidence);
    for (const [hostname, build] of workers) {
      if (build.ready) continue;
      build.close();
      workers.delete(hostname);
    }
  })().finally(() => (settling = undefined));
  return settling;
}
let settling: Promise<void> | undefined;

/** The target if one was opened in this process (for end-of-run reporting), without opening one. */
export function openedTarget(): Promise<Target | undefined> {
  return target ? target.catch(() => undefined) : Promise.resolve(undefined);
}

export async function closeRun(): Promise<void> {
  for (const build of workers.values()) build.close();
  ledger?.finish();
  ledger = undefined;
  const opened = await target?.catch(() => undefined);
  opened?.proxmoxHost.close();
  await (await lab?.catch(() => undefined))?.stop();
  target = undefined;
  lab = undefined;
  labFeature = undefined;
  workers.clear();
}
