import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import { renderNodeTable } from '../../src/kube/node-table';

const node = (name: string, ready: string, labels: Record<string, string>, ip: string): V1Node => (({
  metadata: { name, labels, creationTimestamp: new Date('2026-11-25T10:00:00Z') },
  status: {
    conditions: [{ type: 'Ready', status: ready }],
    addresses: [{ type: 'InternalIP', address: ip }],
    nodeInfo: { kubeletVersion: 'v1.34.3+k3s1', osImage: 'Ubuntu 22.04.5 LTS' },
  },
}) as unknown as V1Node);

describe('kubectl get nodes -o wide rendering', () => {
  it('prints STATUS, ROLES and AGE as kubectl does', () => {
    const table = renderNodeTable(
      [node('k3s-master', 'True', { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' }, '192.168.2.20'), node('k3s-worker-01', 'False', {}, '192.168.2.21')],
      new Date('2026-11-25T10:05:00Z'),
    );
    const [header, master, worker] = table.split('\n');
    assert.match(header, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+OS-IMAGE$/);
    assert.match(master, /^k3s-master\s+Ready\s+control-plane,master\s+5m\s+v1.34.3\+k3s1\s+192.168.2.20\s+Ubuntu 22.04.5 LTS$/);
    assert.match(worker, /^k3s-worker-01\s+NotReady\s+<none>\s+5m/);
  });
});
