import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addNodeLikeServer, healthyNodeConditions, startK3sServer, type KubeObject, type RunningK3sServer } from '../lab/k3s';
import { VirtualNetwork } from '../lab/net/virtual-network';
import { LabTiming } from '../lab/timing';
import { ClusterClient } from '../src/kube/cluster-client';
import { SecretRegistry } from '../src/secrets/secret-registry';
import { DEFAULT_TIMEOUTS } from '../src/waiting/suite-timeouts';
import { Waits } from '../src/waiting/waits';
import { nodeReadiness } from '../src/kube/node-readiness';
import { waitForNodeReady } from '../src/provisioning/node-ready';
import { waitForRunning } from '../src/provisioning/test-pod';

/**
 * Benchmark 2 (issue 6): detection latency, from the lab changing a node to Ready (or a pod to Running) to the
 * suite's wait returning, for the suite's watches against a 2 s polling loop measured the same way.
 *   npm run bench:detection [-- RUNS]      (default 15 of each)
 * Target: median ≤ 50 ms for the watches.
 */
const runs = Number(process.argv[2] ?? 15);
const POLL_MS = 2000;
// Time for a just-started watch to reach the server before the change is made (a benchmark may pause; tests may not).
const SETTLE_MS = 150;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function addNotReadyNode(k3s: RunningK3sServer, name: string): void {
  const conditions = healthyNodeConditions().map((condition) => (condition.type === 'Ready' ? { ...condition, status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready' } : condition));
  addNodeLikeServer(k3s.store, name, { ip: '10.9.0.1', conditions });
}

function turnReady(k3s: RunningK3sServer, name: string): bigint {
  const at = process.hrtime.bigint();
  k3s.store.mutate('nodes', undefined, name, (node) => {
    node.status.conditions = healthyNodeConditions();
  });
  return at;
}

function addPendingPod(k3s: RunningK3sServer, name: string): void {
  k3s.store.create('pods', { metadata: { name, namespace: 'default' }, spec: { nodeName: 'nowhere', containers: [{ name: 'c', image: 'nginx:alpine' }] }, status: { phase: 'Pending' } } as KubeObject);
}

function turnRunning(k3s: RunningK3sServer, name: string): bigint {
  const at = process.hrtime.bigint();
  k3s.store.mutate('pods', 'default', name, (pod) => {
    pod.status = { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'nginx:alpine', imageID: '', state: { running: {} } }] };
  });
  return at;
}

async function pollUntil(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await pause(POLL_MS);
}

async function sample(wait: () => Promise<unknown>, change: () => bigint): Promise<number> {
  const waiting = wait();
  // The change lands at a random point of a polling period, as it does in a real run.
  await pause(SETTLE_MS + Math.random() * POLL_MS);
  const changedAt = change();
  await waiting;
  return Number(process.hrtime.bigint() - changedAt) / 1e6;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-detect-'));
  const k3s = await startK3sServer({ network: new VirtualNetwork(), timing: new LabTiming(1) });
  try {
    writeFileSync(join(dir, 'kubeconfig.yaml'), k3s.kubeconfig());
    const cluster = ClusterClient.fromFile(join(dir, 'kubeconfig.yaml'), { secrets: new SecretRegistry() });
    const waits = new Waits({ ...DEFAULT_TIMEOUTS, 'node-ready': 60_000, pod: 60_000 });
    const results: Record<string, number[]> = { 'node Ready, watch': [], 'node Ready, 2 s poll': [], 'pod Running, watch': [], 'pod Running, 2 s poll': [] };
    for (let run = 0; run < runs; run++) {
      const node = `detect-${run}`;
      addNotReadyNode(k3s, `${node}-w`);
      results['node Ready, watch'].push(await sample(() => waitForNodeReady(cluster, `${node}-w`, waits), () => turnReady(k3s, `${node}-w`)));
      addNotReadyNode(k3s, `${node}-p`);
      results['node Ready, 2 s poll'].push(await sample(() => pollUntil(async () => nodeReadiness(await cluster.core.readNode({ name: `${node}-p` })).ready), () => turnReady(k3s, `${node}-p`)));
      addPendingPod(k3s, `${node}-w`);
      results['pod Running, watch'].push(await sample(() => waitForRunning(cluster, { namespace: 'default', name: `${node}-w` }, waits), () => turnRunning(k3s, `${node}-w`)));
      addPendingPod(k3s, `${node}-p`);
      results['pod Running, 2 s poll'].push(await sample(() => pollUntil(async () => (await cluster.core.readNamespacedPod({ namespace: 'default', name: `${node}-p` })).status?.phase === 'Running'), () => turnRunning(k3s, `${node}-p`)));
    }
    console.log(`detection latency, ${runs} samples each (ms from the lab's change to the wait returning)`);
    for (const [name, values] of Object.entries(results)) {
      console.log(`${name.padEnd(24)} median ${median(values).toFixed(1).padStart(7)}   max ${Math.max(...values).toFixed(1).padStart(7)}`);
    }
  } finally {
    await k3s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
