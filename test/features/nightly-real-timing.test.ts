import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { V1Lease } from '@kubernetes/client-node';
import { startLab } from '../../lab';
import { takeClusterSnapshot } from '../../src/health/cluster-snapshot';
import { nodeFindings } from '../../src/health/node-health';
import { nodeReadiness } from '../../src/kube/node-readiness';
import { Deadline } from '../../src/waiting/deadline';
import { watchUntil } from '../../src/waiting/watch-until';
import { stopWorkerUntilNotReady } from '../support/lab-runs';
import { openTarget } from '../support/open-target';
import { runCucumber } from './run-cucumber';

const GRACE_MS = 50_000;

/**
 * The nightly against kubelets that behave as real ones: at LAB_TIMING=1 a kubelet renews its Lease every 10 s and
 * posts node status only on change or every 5 minutes. Mostly waiting, so it runs beside the other tests.
 */
describe('the nightly at real timing (LAB_TIMING=1)', () => {
  it('passes more than 70 s after the worker joined (status older than 60 s, Lease fresh), and names the node within a minute of its kubelet stopping', { timeout: 8 * 60_000 }, async (t) => {
    const stateDir = mkdtempSync(join(tmpdir(), 'k3s-real-timing-'));
    const lab = await startLab({ stateDir, timingScale: 1 });
    const target = await openTarget(lab.env, 'real');
    try {
      const story = await runCucumber(['--profile', 'real', 'features/add-worker.feature'], lab.env, t.signal);
      assert.equal(story.exitCode, 0, story.output);
      // The kubelet's Lease renewals (every 10 s) are the events to wait on: at each, is the worker's status more than
      // 70 s old yet? Then the old heartbeat check would have failed a healthy node.
      let statusAt = nodeReadiness(await target.cluster.core.readNode({ name: 'k3s-worker-01' })).lastHeartbeat!.getTime();
      await watchUntil<V1Lease, void>({
        kubeconfig: target.cluster.kubeconfig,
        path: '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases',
        query: { fieldSelector: 'metadata.name=k3s-worker-01' },
        deadline: new Deadline('the worker\'s status older than 70 s, its Lease renewed', 5 * 60_000),
        judge: (lease) => {
          const renewed = new Date(lease.spec!.renewTime!).getTime();
          if (renewed - statusAt > 70_000) return { done: true, value: undefined };
          return { done: false, observed: `Lease renewed, status ${Math.round((renewed - statusAt) / 1000)}s old` };
        },
      });
      statusAt = nodeReadiness(await target.cluster.core.readNode({ name: 'k3s-worker-01' })).lastHeartbeat!.getTime();
      const nightly = await runCucumber(['--profile', 'nightly', '--profile', 'real'], lab.env, t.signal);
      assert.equal(nightly.exitCode, 0, nightly.output);
      assert.ok(Date.now() - statusAt > 60_000, 'its status was older than 60 s when the nightly passed');

      // The worker's container stops: its kubelet with it.
      const stoppedAt = Date.now();
      const node = target.node('pve');
      // The node lifecycle controller turns the Node Unknown once the Lease is older than its grace: that is the event.
      await stopWorkerUntilNotReady(node.proxmox, target.cluster.kubeconfig, 60_000);
      const now = await takeClusterSnapshot(target.cluster);
      const named = nodeFindings(now.nodes, now.leases, GRACE_MS, now.takenAt).find((finding) => finding.node === 'k3s-worker-01')?.problem;
      assert.match(named ?? '', /k3s-worker-01 is Unknown: NodeStatusUnknown: Kubelet stopped posting node status\. .*; Lease renewed \d+s ago, status posted \d+s ago/);
      assert.ok(Date.now() - stoppedAt < 60_000, 'named within a minute');
    } finally {
      target.close();
      await lab.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
