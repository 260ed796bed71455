import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Node, V1NodeSystemInfo, V1Pod } from '@kubernetes/client-node';
import { kubeletVersions, nodeFindings, renderVersionSkew, schedulableWorkers } from '../../src/health/node-health';
import { systemPodFindings } from '../../src/health/system-workloads';

const NOW = Date.parse('2026-11-25T03:00:00Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000);

function node(name: string, options: { ready?: 'True' | 'False' | 'Unknown'; heartbeatAgo?: number; pressure?: string; version?: string; master?: boolean; taint?: boolean } = {}): V1Node {
  const heartbeat = ago(options.heartbeatAgo ?? 5);
  return {
    metadata: { name, labels: options.master ? { 'node-role.kubernetes.io/control-plane': 'true' } : {} },
    spec: options.taint ? { taints: [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] } : {},
    status: {
      nodeInfo: { kubeletVersion: options.version ?? 'v1.34.3+k3s1' } as V1NodeSystemInfo,
      conditions: [
        { type: 'Ready', status: options.ready ?? 'True', reason: options.ready === 'Unknown' ? 'NodeStatusUnknown' : 'KubeletReady', message: options.ready === 'Unknown' ? 'Kubelet stopped posting node status.' : 'kubelet is posting ready status', lastHeartbeatTime: heartbeat },
        ...['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({ type, status: options.pressure === type ? 'True' : 'False', reason: options.pressure === type ? `KubeletHas${type}` : 'ok', lastHeartbeatTime: heartbeat })),
      ],
    },
  };
}

describe('the nightly node checks', () => {
  it('name every unhealthy node: not Ready, silent for too long, or under pressure', () => {
    const findings = nodeFindings(
      [node('k3s-master', { master: true }), node('w1', { ready: 'Unknown', heartbeatAgo: 95 }), node('w2', { heartbeatAgo: 75 }), node('w3', { pressure: 'DiskPressure' }), node('w4')],
      60_000,
      NOW,
    );
    assert.deepEqual(findings, [
      { node: 'w1', kind: 'readiness', problem: 'w1 is Unknown: NodeStatusUnknown: Kubelet stopped posting node status. (last heartbeat 95s ago)' },
      { node: 'w2', kind: 'readiness', problem: 'w2 last posted status 75s ago (more than 60s)' },
      { node: 'w3', kind: 'pressure', problem: 'w3 has DiskPressure=True: KubeletHasDiskPressure' },
    ]);
  });

  it('report version skew with the nodes on each version', () => {
    const versions = kubeletVersions([node('a'), node('b'), node('c', { version: 'v1.33.5+k3s1' })]);
    assert.equal(renderVersionSkew(versions), 'v1.34.3+k3s1: a, b\nv1.33.5+k3s1: c');
  });

  it('probe only workers a plain pod may land on', () => {
    const workers = schedulableWorkers([node('m', { master: true }), node('ok'), node('tainted', { taint: true }), node('down', { ready: 'False' })]);
    assert.deepEqual(workers.map((worker) => worker.metadata?.name), ['ok']);
  });
});

describe('the nightly kube-system check', () => {
  const pod = (name: string, phase: string, ready: boolean[], waiting?: string): V1Pod => ({
    metadata: { name },
    spec: { nodeName: 'k3s-master', containers: [] },
    status: { phase, containerStatuses: ready.map((isReady, i) => ({ name: `c${i}`, image: 'x', imageID: '', ready: isReady, restartCount: isReady ? 0 : 4, state: isReady ? { running: {} } : { waiting: { reason: waiting } } })) },
  });

  it('accepts running-and-ready and completed pods, and names the rest', () => {
    const findings = systemPodFindings([
      pod('coredns-1', 'Running', [true]),
      pod('helm-install-traefik-x', 'Succeeded', [false]),
      pod('metrics-server-2', 'Running', [false], 'CrashLoopBackOff'),
      pod('local-path-3', 'Pending', [false], 'ContainerCreating'),
    ]);
    assert.deepEqual(findings, [
      'kube-system/metrics-server-2 on k3s-master: Running (CrashLoopBackOff), 0/1 ready, 4 restarts',
      'kube-system/local-path-3 on k3s-master: Pending (ContainerCreating), 0/1 ready, 4 restarts',
    ]);
  });
});
