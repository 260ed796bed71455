import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import { ensureWorkerReady } from '../../src/story/join-criterion';
import { workContext } from '../support/open-target';
import { WorkerBuild } from '../../src/story/worker-build';
import { runTask } from '../../src/proxmox/run-task';
import { Deadline } from '../../src/waiting/deadline';
import { watchUntil } from '../../src/waiting/watch-until';
import { storySpec, useLabTarget } from '../support/lab-target';


// The three emulators together: a guest Proxmox stops is a node whose kubelet stops posting status.
describe('the whole lab: a worker whose container stops', () => {
  const env = useLabTarget();

  it('turns Unknown with the unreachable taint (node lifecycle controller: "Kubelet stopped posting node status.")', async () => {
    const { target } = env;
    const build = new WorkerBuild(storySpec());
    await ensureWorkerReady(build, workContext(target), 'build');
    build.close();
    await runTask(target.proxmox, () => target.proxmox.stopContainer(102), new Deadline('CT 102 stop', 30_000));
    const node = await watchUntil<V1Node, V1Node>({
      kubeconfig: target.cluster.kubeconfig,
      path: '/api/v1/nodes',
      query: { fieldSelector: 'metadata.name=k3s-worker-01' },
      deadline: new Deadline('k3s-worker-01 Unknown', 30_000),
      // The controller writes the condition and the taint separately, as the real one does: wait for both.
      judge: (candidate) => {
        const ready = candidate.status?.conditions?.find((condition) => condition.type === 'Ready');
        const unreachable = candidate.spec?.taints?.some((taint) => taint.key === 'node.kubernetes.io/unreachable' && taint.effect === 'NoSchedule');
        return ready?.status === 'Unknown' && unreachable ? { done: true, value: candidate } : { done: false, observed: `Ready=${ready?.status}, taints ${JSON.stringify(candidate.spec?.taints ?? [])}` };
      },
    });
    const ready = node.status!.conditions!.find((condition) => condition.type === 'Ready')!;
    assert.equal(ready.reason, 'NodeStatusUnknown');
    assert.equal(ready.message, 'Kubelet stopped posting node status.');
    assert.ok(!node.spec?.taints?.some((taint) => taint.key === 'node.kubernetes.io/not-ready'), 'not-ready gives way to unreachable');
  });
});
