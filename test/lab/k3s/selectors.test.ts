import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fieldSelector, labelSelector } from '../../../lab/k3s/apiserver/selectors';
import { ApiError } from '../../../lab/k3s/apiserver/status-errors';

const pod = (labels: Record<string, string>, nodeName = '', phase = 'Running') =>
  ({ metadata: { name: 'p', namespace: 'default', labels }, spec: { nodeName }, status: { phase } });

describe('label selectors (k8s.io/apimachinery/pkg/labels)', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'web' }, true],
    ['app!=web', { app: 'db' }, true],
    ['app!=web', {}, true],
    ['app in (web, db)', { app: 'db' }, true],
    ['app notin (web,db)', { app: 'db' }, false],
    ['app notin (web,db)', {}, true],
    ['tier', { tier: 'x' }, true],
    ['!tier', { tier: 'x' }, false],
    ['app in (web,db),tier', { app: 'web', tier: 'front' }, true],
    ['app in (web,db),tier', { app: 'web' }, false],
  ];
  for (const [selector, labels, expected] of cases) {
    it(`"${selector}" ${expected ? 'matches' : 'does not match'} ${JSON.stringify(labels)}`, () => {
      assert.equal(labelSelector(selector)(pod(labels)), expected);
    });
  }
});

describe('field selectors (registry field label conversion)', () => {
  it('selects pods by spec.nodeName and status.phase, as a kubelet and kubectl do', () => {
    assert.equal(fieldSelector('pods', 'spec.nodeName=w1')(pod({}, 'w1')), true);
    assert.equal(fieldSelector('pods', 'spec.nodeName=w1,status.phase!=Running')(pod({}, 'w1')), false);
    assert.equal(fieldSelector('pods', 'spec.nodeName=')(pod({}, '')), true);
  });

  it('selects events by their involved object', () => {
    const event = { metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' } };
    assert.equal(fieldSelector('events', 'involvedObject.name=web,involvedObject.kind=Pod')(event), true);
  });

  it('rejects an unsupported field with 400 "field label not supported"', () => {
    assert.throws(() => fieldSelector('pods', 'spec.bogus=1'), (error: ApiError) => error.code === 400 && error.message === 'field label not supported: spec.bogus');
  });
});
