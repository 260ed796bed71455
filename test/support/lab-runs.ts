import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
import { startLab, type LabOptions, type RunningLab } from '../../lab';
import { nodeReadiness } from '../../src/kube/node-readiness';
import type { ProxmoxNodeClient } from '../../src/proxmox/proxmox-node-client';
import { runTask } from '../../src/proxmox/run-task';
import { Deadline } from '../../src/waiting/deadline';
import { watchUntil } from '../../src/waiting/watch-until';
import { type CucumberRun, runCucumber } from '../features/run-cucumber';

/** A lab in this process, as `npm run lab` would serve it (with `options`), stopped and removed after `work`. */
export async function withLab<T>(options: Omit<LabOptions, 'stateDir'>, work: (lab: RunningLab) => Promise<T>): Promise<T> {
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-lab-run-'));
  const lab = await startLab({ stateDir, ...options });
  try {
    return await work(lab);
  } finally {
    await lab.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The main job with `--profile real` against `lab`, as an operator runs it against a standalone lab. */
export function storyOnLab(lab: RunningLab, env: Record<string, string> = {}, signal?: AbortSignal): Promise<CucumberRun> {
  return runCucumber(['--profile', 'real', 'features/add-worker.feature'], { ...lab.env, ...env }, signal);
}

/**
 * Stops the worker's container (CT 102) through the Proxmox API, then waits for its Node to be no longer Ready: the
 * node lifecycle controller's verdict once the kubelet's Lease is older than its grace.
 */
export async function stopWorkerUntilNotReady(proxmox: ProxmoxNodeClient, kubeconfig: KubeConfig, stopWithinMs: number): Promise<void> {
  await runTask(proxmox, () => proxmox.stopContainer(102), new Deadline('CT 102 stop', stopWithinMs));
  await watchUntil<V1Node, void>({
    kubeconfig,
    path: '/api/v1/nodes',
    query: { fieldSelector: 'metadata.name=k3s-worker-01' },
    deadline: new Deadline('k3s-worker-01 no longer Ready', 60_000),
    judge: (node) => (nodeReadiness(node).ready ? { done: false, observed: 'still Ready' } : { done: true, value: undefined }),
  });
}
