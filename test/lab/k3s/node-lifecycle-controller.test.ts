import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeLifecycleController, readinessTaints } from '../../../lab/k3s/controllers/node-lifecycle-controller';
import { ObjectStore, type StoreEvent } from '../../../lab/k3s/apiserver/object-store';
import { healthyNodeConditions } from '../../../lab/k3s/server/server-node';
import { LabTiming } from '../../../lab/timing';

function waitForNode(store: ObjectStore, accept: (node: any) => boolean, deadlineMs: number): Promise<any> {
  return new Promise((resolve, reject) => {
    const current = store.get('nodes', undefined, 'w1');
    if (current && accept(current)) return resolve(current);
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`node w1 not in the expected state within ${deadlineMs}ms: ${JSON.stringify(store.get('nodes', undefined, 'w1')?.spec)}`));
    }, deadlineMs);
    const stop = store.subscribe((event: StoreEvent) => {
      if (event.resource === 'nodes' && accept(event.object)) {
        clearTimeout(timer);
        stop();
        resolve(event.object);
      }
    });
  });
}

const taintKeys = (node: any) => (node.spec?.taints ?? []).map((t: any) => `${t.key}:${t.effect}`).sort();

describe('node lifecycle controller (kube-controller-manager)', () => {
  it('maps Ready to taints: none when True, not-ready when False, unreachable when Unknown', () => {
    const conditions = (status: string) => ({ metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status }] } });
    assert.deepEqual(readinessTaints(conditions('True')), []);
    assert.deepEqual(readinessTaints(conditions('False')).map((t) => `${t.key}:${t.effect}`), ['node.kubernetes.io/not-ready:NoSchedule', 'node.kubernetes.io/not-ready:NoExecute']);
    assert.deepEqual(readinessTaints(conditions('Unknown')).map((t) => `${t.key}:${t.effect}`), ['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
  });

  it('removes the not-ready taint once the node turns Ready, and marks a silent node Unknown with the unreachable taint', async () => {
    const store = new ObjectStore();
    const controller = new NodeLifecycleController(store, new LabTiming(0));
    try {
      const conditions = healthyNodeConditions();
      conditions[3] = { ...conditions[3], status: 'False', reason: 'KubeletNotReady', message: 'cni plugin not initialized' };
      store.create('nodes', { metadata: { name: 'w1' }, spec: {}, status: { conditions } });
      await waitForNode(store, (n) => taintKeys(n).includes('node.kubernetes.io/not-ready:NoSchedule'), 2_000);
      store.mutate('nodes', undefined, 'w1', (n) => { n.status.conditions = healthyNodeConditions(); });
      await waitForNode(store, (n) => taintKeys(n).length === 0, 2_000);
      // No kubelet heartbeats any more: after the grace period every condition goes Unknown.
      const silent = await waitForNode(store, (n) => taintKeys(n).includes('node.kubernetes.io/unreachable:NoSchedule'), 10_000);
      const ready = silent.status.conditions.find((c: any) => c.type === 'Ready');
      assert.deepEqual([ready.status, ready.reason, ready.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
      assert.ok(silent.status.conditions.every((c: any) => c.status === 'Unknown'));
    } finally {
      controller.stop();
    }
  });
});
