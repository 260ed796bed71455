import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startK3sServer } from '../../../lab/k3s';
import { NodeLifecycleController } from '../../../lab/k3s/controllers/node-lifecycle-controller';
import { ObjectStore, type StoreEvent } from '../../../lab/k3s/apiserver/object-store';
import { healthyNodeConditions } from '../../../lab/k3s/server/server-node';
import { nodeLease } from '../../../lab/kubelet/node-heartbeat';
import { VirtualNetwork } from '../../../lab/net/virtual-network';
import { LabTiming } from '../../../lab/timing';

/** Collects the store's changes to one object until `done` says enough, or rejects at the deadline with what was seen. */
function watchStore(store: ObjectStore, accept: (event: StoreEvent) => boolean, done: (seen: StoreEvent[]) => boolean, deadlineMs: number): Promise<StoreEvent[]> {
  return new Promise((resolve, reject) => {
    const seen: StoreEvent[] = [];
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`not done within ${deadlineMs}ms; saw ${seen.map((e) => `${e.type} ${e.resource}/${e.object.metadata.name}`).join(', ')}`));
    }, deadlineMs);
    const stop = store.subscribe((event) => {
      if (!accept(event)) return;
      seen.push(event);
      if (done(seen)) {
        clearTimeout(timer);
        stop();
        resolve(seen);
      }
    });
  });
}

describe('node Leases and status as the kubelet keeps them (kube-node-lease, nodeStatusReportFrequency)', () => {
  it('renews the Lease every 10 s and posts node status only when it changes or every 5 minutes (kubelet defaults, scaled)', async () => {
    // At scale 0.01: a renewal every 100 ms, a status report every 3 s.
    const server = await startK3sServer({ network: new VirtualNetwork(), timing: new LabTiming(0.01) });
    try {
      const lease = server.store.get('leases', 'kube-node-lease', 'k3s-master')!;
      const node = server.store.get('nodes', undefined, 'k3s-master')!;
      assert.deepEqual(lease.spec.holderIdentity, 'k3s-master');
      assert.equal(lease.spec.leaseDurationSeconds, 40);
      assert.deepEqual(lease.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'k3s-master', uid: node.metadata.uid }]);
      const seen = await watchStore(server.store, (e) => (e.resource === 'leases' || e.resource === 'nodes') && e.object.metadata.name === 'k3s-master',
        (events) => events.filter((e) => e.resource === 'leases').length >= 8, 5_000);
      const renewals = seen.filter((e) => e.resource === 'leases').map((e) => e.object.spec.renewTime);
      assert.equal(new Set(renewals).size, renewals.length, 'every renewal moves renewTime on (MicroTime)');
      assert.match(renewals[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const statusPosts = seen.filter((e) => e.resource === 'nodes');
      assert.ok(statusPosts.length <= 1, `${statusPosts.length} status posts during ${renewals.length} Lease renewals`);
    } finally {
      await server.stop();
    }
  });

  it('keeps a node Ready while its Lease is renewed though its status is old, and marks it Unknown once the Lease stops (node lifecycle controller, grace 50 s scaled, floor 2 s)', async () => {
    const store = new ObjectStore();
    const controller = new NodeLifecycleController(store, new LabTiming(0));
    const node = store.create('nodes', { metadata: { name: 'w1' }, spec: {}, status: { conditions: healthyNodeConditions() } });
    store.create('leases', nodeLease('w1', node.metadata.uid));
    const renewing = setInterval(() => store.mutate('leases', 'kube-node-lease', 'w1', (lease) => {
      lease.spec.renewTime = nodeLease('w1', undefined).spec.renewTime;
    }), 100);
    try {
      const started = Date.now();
      // Three seconds of renewals, well past the 2 s grace, and no status post at all: still Ready.
      await watchStore(store, (e) => e.resource === 'leases', () => Date.now() - started > 3_000, 10_000);
      assert.equal(store.get('nodes', undefined, 'w1')!.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
      clearInterval(renewing);
      const stopped = Date.now();
      const [unknown] = await watchStore(store, (e) => e.resource === 'nodes' && e.object.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'Unknown'), (s) => s.length > 0, 10_000);
      assert.ok(Date.now() - stopped >= 2_000, 'not before the grace period');
      const ready = unknown.object.status.conditions.find((c: any) => c.type === 'Ready');
      assert.deepEqual([ready.reason, ready.message], ['NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    } finally {
      clearInterval(renewing);
      controller.stop();
    }
  });

  it('collects a Node\'s Lease when the Node is deleted (garbage collector, ownerReferences)', async () => {
    const server = await startK3sServer({ network: new VirtualNetwork(), timing: new LabTiming(0) });
    try {
      const node = server.store.create('nodes', { metadata: { name: 'w2' }, spec: {}, status: { conditions: healthyNodeConditions() } });
      server.store.create('leases', nodeLease('w2', node.metadata.uid));
      const gone = watchStore(server.store, (e) => e.type === 'DELETED' && e.resource === 'leases' && e.object.metadata.name === 'w2', (s) => s.length > 0, 5_000);
      server.store.remove('nodes', undefined, 'w2');
      await gone;
    } finally {
      await server.stop();
    }
  });
});
