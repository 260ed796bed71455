import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectStore, type StoreEvent } from '../../../lab/k3s/apiserver/object-store';
import { ApiError } from '../../../lab/k3s/apiserver/status-errors';

const configMap = (name: string, data: Record<string, string> = {}) => ({ metadata: { name, namespace: 'default' }, data });

describe('ObjectStore', () => {
  it('gives every write the next global resourceVersion, across resources (etcd revision)', () => {
    const store = new ObjectStore();
    const first = store.create('configmaps', configMap('a'));
    const second = store.create('secrets', { metadata: { name: 'b', namespace: 'default' } });
    assert.equal(Number(second.metadata.resourceVersion), Number(first.metadata.resourceVersion) + 1);
    assert.equal(store.resourceVersion, Number(second.metadata.resourceVersion));
    assert.ok(first.metadata.uid && first.metadata.creationTimestamp);
  });

  it('answers a create of an existing name with 409 AlreadyExists (apimachinery errors.NewAlreadyExists)', () => {
    const store = new ObjectStore();
    store.create('configmaps', configMap('a'));
    assert.throws(() => store.create('configmaps', configMap('a')), (error: ApiError) =>
      error.code === 409 && error.status.reason === 'AlreadyExists' && error.message === 'configmaps "a" already exists');
  });

  it('rejects an update carrying a stale resourceVersion with 409 Conflict (optimistic concurrency)', () => {
    const store = new ObjectStore();
    const created = store.create('configmaps', configMap('a'));
    store.update('configmaps', { ...created, data: { x: '1' } });
    assert.throws(() => store.update('configmaps', { ...created, data: { x: '2' } }), (error: ApiError) =>
      error.code === 409 && error.message === 'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('gives a deletion its own resourceVersion, carried by the DELETED event (etcd3 watch)', () => {
    const store = new ObjectStore();
    const events: StoreEvent[] = [];
    store.subscribe((event) => events.push(event));
    const created = store.create('configmaps', configMap('a'));
    const removed = store.remove('configmaps', 'default', 'a');
    assert.ok(Number(removed.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'DELETED']);
  });

  it('tells listeners in revision order even when a listener writes while being told', () => {
    const store = new ObjectStore();
    const seen: number[] = [];
    store.subscribe((event) => {
      if (event.object.metadata.name === 'a') store.create('configmaps', configMap('b'));
    });
    store.subscribe((event) => seen.push(event.resourceVersion));
    store.create('configmaps', configMap('a'));
    assert.deepEqual(seen, [...seen].sort((x, y) => x - y));
    assert.equal(seen.length, 2);
  });

  it('reports a watch start older than the retained window as expired (watch cache "too old resource version")', () => {
    const store = new ObjectStore(3);
    const start = store.resourceVersion;
    for (const name of ['a', 'b', 'c', 'd', 'e']) store.create('configmaps', configMap(name));
    assert.equal(store.eventsSince(start), 'expired');
    const recent = store.eventsSince(store.resourceVersion - 2);
    assert.ok(Array.isArray(recent) && recent.length === 2);
  });

  it('skips a write that changes nothing, as the apiserver does not bump resourceVersion for a no-op update', () => {
    const store = new ObjectStore();
    const created = store.create('configmaps', configMap('a', { k: 'v' }));
    const same = store.update('configmaps', created);
    assert.equal(same.metadata.resourceVersion, created.metadata.resourceVersion);
  });
});
