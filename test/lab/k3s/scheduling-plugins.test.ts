import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clusterImages, filterNode, imageLocalityScore, nodeUsage, resourceScores, SCORE_WEIGHTS, scoreNode, tolerates, totalScores, unschedulableMessage,
} from '../../../lab/k3s/controllers/scheduling-plugins';
import { healthyNodeConditions } from '../../../lab/k3s/server/server-node';
import { parseQuantity } from '../../../lab/k3s/apiserver/quantities';

const node = (name: string, cpu: string, memory: string, extra: Record<string, any> = {}) => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...extra.labels } },
  spec: { taints: extra.taints },
  status: { allocatable: { cpu, memory, pods: '110' }, conditions: healthyNodeConditions() },
});
const pod = (spec: Record<string, any> = {}, requests?: Record<string, string>) => ({
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx:alpine', resources: requests ? { requests } : {} }], ...spec },
});

describe('scheduling plugins (kube-scheduler default profile)', () => {
  it('parses quantities with m, Ki/Mi/Gi, k/M/G suffixes (apimachinery resource.Quantity)', () => {
    assert.equal(parseQuantity('100m'), 0.1);
    assert.equal(parseQuantity('70Mi'), 70 * 2 ** 20);
    assert.equal(parseQuantity('1G'), 1e9);
    assert.equal(parseQuantity('2'), 2);
  });

  it('tolerates by Exists with or without key, and by Equal on key, value and effect', () => {
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const };
    assert.ok(tolerates([{ operator: 'Exists' }], taint));
    assert.ok(tolerates([{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], taint));
    assert.ok(!tolerates([{ key: 'dedicated', operator: 'Equal', value: 'cpu' }], taint));
    assert.ok(!tolerates([{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }], taint));
  });

  it('filters on unschedulable, taints, node selector and required node affinity with the real reason strings', () => {
    const empty = nodeUsage(node('n', '2', '2Gi'), []);
    assert.deepEqual(filterNode(pod(), { ...node('n', '2', '2Gi'), spec: { unschedulable: true } }, empty)?.reasons, ['node(s) were unschedulable']);
    assert.deepEqual(filterNode(pod(), node('n', '2', '2Gi', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), empty)?.reasons,
      ['node(s) had untolerated taint {dedicated: gpu}']);
    assert.deepEqual(filterNode(pod({ nodeSelector: { disk: 'ssd' } }), node('n', '2', '2Gi'), empty)?.reasons, ["node(s) didn't match Pod's node affinity/selector"]);
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n'] }] }] } } };
    assert.equal(filterNode(pod({ affinity }), node('n', '2', '2Gi'), empty), undefined);
    assert.deepEqual(filterNode(pod({}, { cpu: '3', memory: '3Gi' }), node('n', '2', '2Gi'), empty), { reasons: ['Insufficient cpu', 'Insufficient memory'], resolvable: true });
  });

  it('counts the requests of pods already on the node, but not of finished ones', () => {
    const running = { ...pod({ nodeName: 'n' }, { cpu: '1500m' }), status: { phase: 'Running' } };
    const done = { ...pod({ nodeName: 'n' }, { cpu: '1500m' }), status: { phase: 'Succeeded' } };
    const usage = nodeUsage(node('n', '2', '2Gi'), [running, done]);
    assert.equal(usage.requested.milliCpu, 1500);
    assert.deepEqual(filterNode(pod({}, { cpu: '600m' }), node('n', '2', '2Gi'), usage)?.reasons, ['Insufficient cpu']);
  });

  it('scores an emptier node higher, counting pods without requests as 100m/200Mi (LeastAllocated + BalancedAllocation)', () => {
    const busy = node('busy', '4', '8Gi');
    const idle = node('idle', '2', '2Gi');
    const systemPods = Array.from({ length: 5 }, () => ({ ...pod({ nodeName: 'busy' }), status: { phase: 'Running' } }));
    const total = (node: any, pods: any[]) => totalScores([scoreNode(pod(), node, nodeUsage(node, pods))])[0];
    assert.ok(total(idle, []) > total(busy, systemPods));
  });

  it('writes FailedScheduling as kube-scheduler 1.34 does: sorted histogram, DRA note, preemption verdicts', () => {
    assert.equal(unschedulableMessage(2, [
      { reasons: ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }'], resolvable: false },
      { reasons: ['Insufficient cpu'], resolvable: true },
    ]), '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. '
      + 'no new claims to deallocate, preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.');
    assert.equal(unschedulableMessage(3, Array.from({ length: 3 }, () => ({ reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false }))),
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
  });
});

describe('scores of the default profile (NodeResourcesFit, BalancedAllocation, ImageLocality, TaintToleration)', () => {
  const images = (nodes: any[]) => clusterImages(nodes);
  const withImages = (base: any, list: Array<{ names: string[]; sizeBytes: number }>) => ({ ...base, status: { ...base.status, images: list } });

  it('weighs TaintToleration 3, NodeResourcesFit 1, BalancedAllocation 1, ImageLocality 1 (default_plugins.go getDefaultPlugins)', () => {
    assert.deepEqual(SCORE_WEIGHTS, { TaintToleration: 3, NodeResourcesFit: 1, NodeResourcesBalancedAllocation: 1, ImageLocality: 1 });
  });

  it('LeastAllocated and BalancedAllocation count the incoming pod with the 100m / 200Mi non-zero defaults', () => {
    const idle = node('w', '4', '8Gi');
    // 100m of 4000m and 200Mi of 8Gi: free 97.5 % and 97.5 %, fractions 0.025 and 0.0244.
    assert.deepEqual(resourceScores(pod(), idle, nodeUsage(idle, [])), { NodeResourcesFit: 97, NodeResourcesBalancedAllocation: 99 });
  });

  it('gives ImageLocality nothing below 23 MB, and matches image names literally: nginx:alpine is not docker.io/library/nginx:alpine (the plugin\'s TODO)', () => {
    const big = { names: ['docker.io/library/app@sha256:1', 'docker.io/library/app:v1'], sizeBytes: 523 * 1024 * 1024 };
    const small = { names: ['docker.io/library/nginx:alpine'], sizeBytes: 20 * 1024 * 1024 };
    const holder = withImages(node('a', '4', '8Gi'), [big, small]);
    const other = node('b', '4', '8Gi');
    const cluster = images([holder, other]);
    const wants = (image: string) => pod({ containers: [{ name: 'c', image }] });
    // 523 MB on one of two nodes: 261.5 MB scaled into [23 MB, 1000 MB] -> 24.
    assert.equal(imageLocalityScore(wants('docker.io/library/app:v1'), cluster), 24);
    assert.equal(imageLocalityScore(wants('app:v1'), cluster), 0);
    assert.equal(imageLocalityScore(wants('docker.io/library/nginx:alpine'), cluster), 0);
  });

  it('prefers nodes with fewer untolerated PreferNoSchedule taints (TaintToleration, reverse-normalized)', () => {
    const plain = node('a', '4', '8Gi');
    const soft = node('b', '4', '8Gi', { taints: [{ key: 'maintenance', effect: 'PreferNoSchedule' }] });
    const [a, b] = totalScores([scoreNode(pod(), plain, nodeUsage(plain, [])), scoreNode(pod(), soft, nodeUsage(soft, []))]);
    assert.equal(a - b, 300);
  });
});
