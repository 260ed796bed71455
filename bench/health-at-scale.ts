import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addNodeLikeServer, healthyNodeConditions, startK3sServer, type KubeObject, type RunningK3sServer } from '../lab/k3s';
import { VirtualNetwork } from '../lab/net/virtual-network';
import { LabTiming } from '../lab/timing';
import { takeClusterSnapshot } from '../src/health/cluster-snapshot';
import { kubeletVersions, nodeFindings, schedulableWorkers } from '../src/health/node-health';
import { systemPodFindings } from '../src/health/system-workloads';
import { ClusterClient } from '../src/kube/cluster-client';
import { SecretRegistry } from '../src/secrets/secret-registry';

/**
 * Benchmark 3 (issue 6): the nightly read-only checks (nodes Ready and posting, pressure, version skew, kube-system
 * health, schedulable workers) against a lab cluster of 10, 100 and 1000 nodes with 30 pods each: wall time and the
 * number of API requests the suite sent.
 *   npm run bench:health [-- RUNS]      (default 5 runs per size; the median is reported)
 * Targets: 1000 nodes ≤ 1 s; requests constant in the node count.
 */
const runs = Number(process.argv[2] ?? 5);
const PODS_PER_NODE = 30;

function seedNodes(k3s: RunningK3sServer, count: number): void {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (let index = 0; index < count; index++) {
    const name = `bench-worker-${String(index).padStart(4, '0')}`;
    addNodeLikeServer(k3s.store, name, { ip: `10.1.${Math.floor(index / 250)}.${index % 250}`, conditions: healthyNodeConditions(now), podCIDR: `10.42.${index % 250}.0/24` });
    // Its kubelet's Lease, just renewed (nothing renews it here: the bench reads once, within the grace).
    k3s.store.create('leases', {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new Date().toISOString().replace('Z', '000Z') },
    } as KubeObject);
    for (let pod = 0; pod < PODS_PER_NODE; pod++) {
      k3s.store.create('pods', {
        metadata: { name: `${name}-app-${pod}`, namespace: pod < 2 ? 'kube-system' : 'default', labels: { app: 'bench' } },
        spec: { nodeName: name, containers: [{ name: 'app', image: 'nginx:alpine' }] },
        status: { phase: 'Running', containerStatuses: [{ name: 'app', image: 'nginx:alpine', imageID: '', ready: true, restartCount: 0, state: { running: {} } }] },
      } as KubeObject);
    }
  }
}

async function measure(nodes: number): Promise<{ ms: number[]; requests: number; unhealthy: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-health-'));
  // Real timing: the node lifecycle controller gives the seeded nodes its 40 s grace before calling them Unknown.
  const k3s = await startK3sServer({ network: new VirtualNetwork(), timing: new LabTiming(1) });
  try {
    seedNodes(k3s, nodes);
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, k3s.kubeconfig());
    const cluster = ClusterClient.fromFile(kubeconfig, { secrets: new SecretRegistry() });
    const ms: number[] = [];
    let requests = 0;
    let unhealthy = 0;
    for (let run = 0; run < runs; run++) {
      const before = cluster.requestCount;
      const started = process.hrtime.bigint();
      const snapshot = await takeClusterSnapshot(cluster);
      const findings = nodeFindings(snapshot.nodes, snapshot.leases, 50_000, snapshot.takenAt);
      kubeletVersions(snapshot.nodes);
      schedulableWorkers(snapshot.nodes);
      systemPodFindings(snapshot.systemPods);
      ms.push(Number(process.hrtime.bigint() - started) / 1e6);
      requests = cluster.requestCount - before;
      unhealthy = findings.length;
    }
    return { ms, requests, unhealthy };
  } finally {
    await k3s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  console.log(`nightly read-only checks, ${PODS_PER_NODE} pods per node, median of ${runs} runs`);
  console.log('nodes   median ms   API requests   unhealthy nodes found');
  for (const nodes of [10, 100, 1000]) {
    const result = await measure(nodes);
    console.log(`${String(nodes).padStart(5)}   ${median(result.ms).toFixed(0).padStart(9)}   ${String(result.requests).padStart(12)}   ${String(result.unhealthy).padStart(21)}`);
  }
}

void main();
