import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import { startLab, type RunningLab } from '../../lab';
import { discardEvidence } from '../../src/provisioning/evidence';
import type { Target } from '../../src/provisioning/target';
import { WorkerBuild } from '../../src/provisioning/worker-build';
import { runTask } from '../../src/proxmox/run-task';
import { parseWorkerSpec } from '../../src/spec/worker-spec';
import { Deadline } from '../../src/waiting/deadline';
import { watchUntil } from '../../src/waiting/watch-until';
import { openTarget } from '../../support/open-target';

const spec = parseWorkerSpec(
  {
    vmid: '102', hostname: 'k3s-worker-01', cores: '4', memory: '8GB', disk: '50GB', address: '192.168.2.21/24', gateway: '192.168.2.1',
    bridge: 'vmbr0', storage: 'local-lvm', template: 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst',
    features: 'nesting=1,keyctl=1,fuse=1', ssh: 'key', 'control plane': '192.168.2.20:6443',
  },
  ['lxc.apparmor.profile: unconfined', 'lxc.cgroup2.devices.allow: a', 'lxc.cap.drop:', 'lxc.mount.auto: "proc:rw sys:rw"', 'lxc.mount.entry: /dev/kmsg dev/kmsg none defaults,bind,create=file'],
);

// The three emulators together: a guest Proxmox stops is a node whose kubelet stops posting status.
describe('the whole lab: a worker whose container stops', () => {
  let lab: RunningLab;
  let target: Target;
  before(async () => {
    lab = await startLab({ stateDir: mkdtempSync(join(tmpdir(), 'lab-integration-')) });
    target = await openTarget(lab.env, 'lab');
  });
  after(async () => {
    target.proxmoxHost.close();
    await lab.stop();
  });

  it('turns Unknown with the unreachable taint (node lifecycle controller: "Kubelet stopped posting node status.")', async () => {
    const build = new WorkerBuild(spec, target, 'lab', () => {});
    await build.ensureReady(discardEvidence);
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
