import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  stop(): Promise<void>;
}

/** Short, unique per run: names test pods and tags what the run creates. */
export const runId = randomBytes(3).toString('hex');

let lab: Promise<RunningLabHandle> | undefined;
/** The feature file the embedded lab was started for: each story rehearses on a fresh lab of its own. */
let labFeature: string | undefined;
let currentFeature: string | undefined;
let target: Promise<Target> | undefined;
const workers = new Map<string, WorkerBuild>();
/** Containers created by this run and not (yet) accepted as finished workers, for the failure policy. */
export const createdThisRun = new Set<number>();

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
    if (kind === 'real') return openTarget(process.env, 'real');
    lab ??= startEmbeddedLab();
    return openTarget((await lab).env, 'lab');
  })();
  return target;
}

async function startEmbeddedLab(): Promise<RunningLabHandle> {
  // Loaded only on the default profile, so a real run never even loads the lab's code.
  const { startLab } = await import('../lab');
  const timingScale = Number(process.env.LAB_TIMING ?? '0');
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-lab-'));
  const lab = await startLab({ stateDir, timingScale });
  return {
    env: lab.env,
    // The lab's keys, token and kubeconfig live only as long as the lab.
    stop: async () => {
      await lab.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function workerBuild(kind: TargetKind, spec: WorkerSpec): Promise<WorkerBuild> {
  const existing = workers.get(spec.hostname);
  if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec)) return existing;
  const build = new WorkerBuild(spec, await currentTarget(kind), runId, (vmid) => createdThisRun.add(vmid));
  workers.set(spec.hostname, build);
  return build;
}

export function builtWorkers(): WorkerBuild[] {
  return [...workers.values()];
}

/** The target if one was opened in this process (for end-of-run reporting), without opening one. */
export function openedTarget(): Promise<Target | undefined> {
  return target ? target.catch(() => undefined) : Promise.resolve(undefined);
}

export async function closeRun(): Promise<void> {
  for (const build of workers.values()) build.close();
  const opened = await target?.catch(() => undefined);
  opened?.proxmoxHost.close();
  await (await lab?.catch(() => undefined))?.stop();
  target = undefined;
  lab = undefined;
  labFeature = undefined;
  workers.clear();
  createdThisRun.clear();
}
