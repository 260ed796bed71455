import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Lease, V1Node, V1NodeSystemInfo, V1Pod } from '@kubernetes/client-node';
import { kubeletVersions, nodeFindings, renderVersionSkew, schedulableWorkers, skewFindings } from '../../src/health/node-health';
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
  const lease = (name: string, renewedAgo: number): V1Lease => ({ metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, renewTime: ago(renewedAgo) } });

  it('judge liveness by the Lease, not the status heartbeat, which a healthy kubelet posts only every 5 minutes (nodeStatusReportFrequency)', () => {
    const healthy = nodeFindings([node('w1', { heartbeatAgo: 240 })], [lease('w1', 7)], 50_000, NOW);
    assert.deepEqual(healthy, [], 'status 4 minutes old with a fresh Lease is a healthy node');
  });

  it('name every unhealthy node with both ages: not Ready, a Lease not renewed within the grace, no Lease, or under pressure', () => {
    const findings = nodeFindings(
      [node('k3s-master', { master: true }), node('w1', { ready: 'Unknown', heartbeatAgo: 95 }), node('w2', { heartbeatAgo: 75 }), node('w3', { pressure: 'DiskPressure' }), node('w4')],
      [lease('k3s-master', 3), lease('w1', 95), lease('w2', 61), lease('w3', 2)],
      50_000,
      NOW,
    );
    assert.deepEqual(findings, [
      { node: 'w1', kind: 'readiness', problem: 'w1 is Unknown: NodeStatusUnknown: Kubelet stopped posting node status. (last heartbeat 95s ago); Lease renewed 95s ago, status posted 95s ago' },
      { node: 'w2', kind: 'readiness', problem: 'w2\'s kubelet has not renewed its Lease within 50s: Lease renewed 61s ago, status posted 75s ago' },
      { node: 'w3', kind: 'pressure', problem: 'w3 has DiskPressure=True: KubeletHasDiskPressure' },
      { node: 'w4', kind: 'readiness', problem: 'w4\'s kubelet has not renewed its Lease within 50s: Lease renewed never, status posted 5s ago' },
    ]);
  });

  it('list every kubelet version, and fail only those outside the skew policy: newer than the API server, or more than three minors older', () => {
    const versions = kubeletVersions([node('a'), node('b'), node('c', { version: 'v1.33.5+k3s1' }), node('d', { version: 'v1.35.0+k3s1' }), node('e', { version: 'v1.30.9+k3s1' })]);
    assert.equal(renderVersionSkew(versions), 'v1.34.3+k3s1: a, b\nv1.33.5+k3s1: c\nv1.35.0+k3s1: d\nv1.30.9+k3s1: e');
    assert.deepEqual(skewFindings(versions, 'v1.34.3+k3s1'), [
      'd runs kubelet v1.35.0+k3s1, newer than the server\'s v1.34.3+k3s1, which breaks the Kubernetes version-skew policy: a kubelet must not be newer than kube-apiserver, and may be up to three minor versions older',
      'e runs kubelet v1.30.9+k3s1, 4 minor versions older than the server\'s v1.34.3+k3s1 (at most 3), which breaks the Kubernetes version-skew policy: a kubelet must not be newer than kube-apiserver, and may be up to three minor versions older',
    ]);
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

  it('accepts running-and-ready and completed pods, and names the rest with their owner, node and image', () => {
    const svclb: V1Pod = {
      ...pod('svclb-traefik-5a1b2c3d-xk2lp', 'Pending', [false], 'ImagePullBackOff'),
      metadata: { name: 'svclb-traefik-5a1b2c3d-xk2lp', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'svclb-traefik-5a1b2c3d', uid: 'u' }] },
      spec: { nodeName: 'k3s-worker-01', containers: [{ name: 'lb-tcp-80', image: 'rancher/klipper-lb:v0.4.13' }] },
    };
    svclb.status!.containerStatuses![0].image = 'rancher/klipper-lb:v0.4.13';
    const findings = systemPodFindings([
      pod('coredns-1', 'Running', [true]),
      pod('helm-install-traefik-x', 'Succeeded', [false]),
      pod('metrics-server-2', 'Running', [false], 'CrashLoopBackOff'),
      pod('local-path-3', 'Pending', [false], 'ContainerCreating'),
      svclb,
    ]);
    assert.deepEqual(findings, [
      'kube-system/metrics-server-2 on k3s-master: Running (CrashLoopBackOff), 0/1 ready, 4 restarts, image x',
      'kube-system/local-path-3 on k3s-master: Pending (ContainerCreating), 0/1 ready, 4 restarts, image x',
      'kube-system/svclb-traefik-5a1b2c3d-xk2lp (DaemonSet svclb-traefik-5a1b2c3d) on k3s-worker-01: Pending (ImagePullBackOff), 0/1 ready, 4 restarts, image rancher/klipper-lb:v0.4.13',
    ]);
  });
});
