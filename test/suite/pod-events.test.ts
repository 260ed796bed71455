import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreV1Event } from '@kubernetes/client-node';
import { renderEvents } from '../../src/provisioning/test-pod';

const event = (reason: string, at: string, component = 'kubelet'): CoreV1Event =>
  ({ reason, type: 'Normal', message: reason, lastTimestamp: new Date(at), source: { component }, involvedObject: {}, metadata: {} }) as CoreV1Event;

describe('pod events for the report', () => {
  it('lists events oldest first, as kubectl describe does, whatever order the API returned', () => {
    const table = renderEvents([
      event('Started', '2026-11-25T10:00:03Z'),
      event('Scheduled', '2026-11-25T10:00:00Z', 'default-scheduler'),
      event('Pulled', '2026-11-25T10:00:02Z'),
      event('Pulling', '2026-11-25T10:00:01Z'),
      event('Created', '2026-11-25T10:00:03Z'),
    ]);
    const reasons = table.split('\n').slice(1).map((line) => line.split(/\s+/)[1]);
    assert.deepEqual(reasons, ['Scheduled', 'Pulling', 'Pulled', 'Started', 'Created']);
    assert.match(table.split('\n')[0], /^Type\s+Reason\s+From\s+Message$/);
  });
});
