import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch } from '../../../lab/k3s/apiserver/patch';
import { ApiError } from '../../../lab/k3s/apiserver/status-errors';

const node = () => ({
  metadata: { name: 'n', labels: { a: '1', b: '2' } },
  status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'False', reason: 'KubeletNotReady' }] },
});

describe('PATCH bodies by Content-Type', () => {
  it('merge patch (RFC 7386) merges objects, deletes with null and replaces lists', () => {
    const result = applyPatch('application/merge-patch+json', node(), { metadata: { labels: { a: null, c: '3' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }) as any;
    assert.deepEqual(result.metadata.labels, { b: '2', c: '3' });
    assert.deepEqual(result.status.conditions, [{ type: 'Ready', status: 'True' }]);
  });

  it('strategic merge patch merges conditions by type, as the kubelet relies on (patchMergeKey "type")', () => {
    const result = applyPatch('application/strategic-merge-patch+json', node(), {
      status: { $setElementOrder: undefined, '$setElementOrder/conditions': [{ type: 'MemoryPressure' }, { type: 'Ready' }], conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
    }) as any;
    assert.deepEqual(result.status.conditions, [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True', reason: 'KubeletReady' }]);
  });

  it('JSON patch (RFC 6902) adds, replaces and removes by pointer', () => {
    const result = applyPatch('application/json-patch+json', node(), [
      { op: 'replace', path: '/metadata/labels/a', value: 'x' },
      { op: 'remove', path: '/metadata/labels/b' },
      { op: 'add', path: '/status/conditions/-', value: { type: 'PIDPressure', status: 'False' } },
    ]) as any;
    assert.deepEqual(result.metadata.labels, { a: 'x' });
    assert.equal(result.status.conditions.length, 3);
  });

  it('answers an unknown patch type with 415 UnsupportedMediaType', () => {
    assert.throws(() => applyPatch('application/yaml', node(), {}), (error: ApiError) => error.code === 415);
  });
});
