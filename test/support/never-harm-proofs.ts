import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Node } from '@kubernetes/client-node';
import type { RunningLab } from '../../lab';
import { type ChangeEntry, readChangeFile } from '../../src/changes/change-record';
import { nodeReadiness } from '../../src/kube/node-readiness';
import { CucumberRun, runCucumber } from '../features/run-cucumber';
import { stopWorkerUntilNotReady, storyOnLab, withLab } from './lab-runs';
import { openTarget } from './open-target';

/**
 * The proofs that a run never harms what already works (issue "A run never harms what already works"), each against
 * a lab of its own driven with `--profile real`, as an operator's standalone lab is. Shared by
 * test/features/never-harm.test.ts and `npm run proof:safety`.
 */

export function story(lab: RunningLab, env: Record<string, string> = {}, signal?: AbortSignal): Promise<CucumberRun> {
  return storyOnLab(lab, { SUITE_PROGRESS: 'verbose', ...env }, signal);
}

export function changesOf(run: CucumberRun): ChangeEntry[] {
  return readChangeFile(join(run.reportsDir, 'changes.jsonl'));
}

/** `journalctl -u k3s-agent` in the worker, as root on the Proxmox host would read it (`pct exec`). */
export async function agentStarts(lab: RunningLab): Promise<number> {
  const { stdout } = await lab.guests.exec(102, 'journalctl -u k3s-agent --no-pager');
  return stdout.split('\n').filter((line) => /Starting k3s agent/.test(line)).length;
}

export interface NightlyOnBrokenWorker {
  nightly: CucumberRun;
  containerStatus: string | undefined;
  changes: ChangeEntry[];
  /** Changes other than creating or deleting the nightly's own pods. */
  otherChanges: ChangeEntry[];
}

/** The worker's container stopped by its operator, then the nightly on the real profile: it must find, not repair. */
export async function nightlyOnBrokenWorker(signal?: AbortSignal): Promise<NightlyOnBrokenWorker> {
  return withLab({}, async (lab) => {
    const built = await story(lab, {}, signal);
    if (built.exitCode !== 0) throw new Error(`the story did not pass first:\n${built.output}`);
    const target = await openTarget(lab.env, 'real');
    try {
      await stopWorkerUntilNotReady(target.proxmox, target.cluster.kubeconfig, 30_000);
      const nightly = await runCucumber(['--profile', 'nightly', '--profile', 'real'], { ...lab.env, SUITE_PROGRESS: 'verbose' }, signal);
      const changes = changesOf(nightly);
      const otherChanges = changes.filter((change) => !(change.system === 'kubernetes' && /^(create|delete)$/.test(change.action) && /^pod default\/acceptance-/.test(change.target)));
      return { nightly, containerStatus: (await target.proxmox.containerStatus(102))?.status, changes, otherChanges };
    } finally {
      target.close();
    }
  });
}

export interface RerunOnJoinedWorker {
  first: CucumberRun;
  second: CucumberRun;
  wrongToken: CucumberRun;
  /** How long the run with the wrong token took to refuse, in ms. */
  wrongTokenMs: number;
  startsAfterFirst: number;
  startsAfterSecond: number;
  /** Installer runs the second run recorded (should be none). */
  secondInstalls: ChangeEntry[];
  secondChanges: ChangeEntry[];
  wrongTokenChanges: ChangeEntry[];
  workerReadyAtEnd: boolean;
}

/** The story twice on one lab, then once more with a garbage token: the joined worker is verified, never reinstalled. */
export async function rerunOnJoinedWorker(signal?: AbortSignal): Promise<RerunOnJoinedWorker> {
  return withLab({}, async (lab) => {
    const first = await story(lab, {}, signal);
    const startsAfterFirst = await agentStarts(lab);
    const second = await story(lab, {}, signal);
    const startsAfterSecond = await agentStarts(lab);
    const refusingSince = Date.now();
    const wrongToken = await story(lab, { K3S_TOKEN_FILE: '', K3S_TOKEN: 'garbage' }, signal);
    const wrongTokenMs = Date.now() - refusingSince;
    const node = lab.k3s.store.get('nodes', undefined, 'k3s-worker-01') as V1Node | undefined;
    const secondChanges = changesOf(second);
    return {
      first, second, wrongToken, wrongTokenMs, startsAfterFirst, startsAfterSecond, secondChanges,
      secondInstalls: secondChanges.filter((change) => change.action === 'install'),
      wrongTokenChanges: changesOf(wrongToken),
      workerReadyAtEnd: node !== undefined && nodeReadiness(node).ready,
    };
  });
}

export interface TwoRunsAtOnce {
  runs: [CucumberRun, CucumberRun];
  readyWorkers: number;
}

/** Two operators start the story at the same moment against one lab. */
export async function twoRunsAtOnce(signal?: AbortSignal): Promise<TwoRunsAtOnce> {
  return withLab({}, async (lab) => {
    // Two operators in one checkout share its ledger folder (reports/cleanup-ledger): that is how a run that is still
    // creating the container, before Proxmox has its description, is known.
    const ledger = { SUITE_LEDGER_DIR: mkdtempSync(join(tmpdir(), 'k3s-shared-ledger-')) };
    const runs = await Promise.all([story(lab, ledger, signal), story(lab, ledger, signal)]);
    const nodes = lab.k3s.store.list('nodes') as V1Node[];
    const readyWorkers = nodes.filter((node) => node.metadata?.name === 'k3s-worker-01' && nodeReadiness(node).ready).length;
    return { runs, readyWorkers };
  });
}

/** The run's own output, for an assertion message. */
export function outputOf(run: CucumberRun): string {
  const changes = changesOf(run).map((change) => `${change.system} ${change.action} ${change.target}`);
  return `${run.output}\n--- changes.jsonl ---\n${changes.join('\n') || '(none)'}`;
}
