import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterNode, nodeUsage, scoreNode, tolerates, unschedulableMessage } from '../../../lab/k3s/controllers/scheduling-plugins';
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
    assert.ok(scoreNode(pod(), idle, nodeUsage(idle, [])) > scoreNode(pod(), busy, nodeUsage(busy, systemPods)));
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
