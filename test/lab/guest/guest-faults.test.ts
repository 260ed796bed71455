import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Client } from 'ssh2';
import { startK3sServer, type KubeObject, type RunningK3sServer } from '../../../lab/k3s';
import { CNI_NOT_READY } from '../../../lab/guest/node-status';
import { bootWorker, newLab, run, sshTo, type Lab } from './guest-fixture';

const NODE = 'k3s-worker-01';
const install = (k3s: RunningK3sServer) => `curl -sfL https://get.k3s.io | K3S_URL=${k3s.url} K3S_TOKEN=${k3s.token} sh -`;
const ready = (node: KubeObject | undefined) => node?.status?.conditions?.find((c: { type: string }) => c.type === 'Ready');

/** Resolves with the Node once `accept` holds for it, looking at the store now and then at each change (no polling). */
function nodeWhen(k3s: RunningK3sServer, accept: (node: KubeObject) => boolean, what: string, deadlineMs = 15_000): Promise<KubeObject> {
  return new Promise((resolve, reject) => {
    const finish = (node: KubeObject) => {
      unsubscribe();
      clearTimeout(timer);
      resolve(node);
    };
    const unsubscribe = k3s.store.subscribe((event) => {
      if (event.resource === 'nodes' && event.type !== 'DELETED' && event.object.metadata.name === NODE && accept(event.object)) finish(event.object);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`node ${NODE} not ${what} after ${deadlineMs}ms: Ready=${JSON.stringify(ready(k3s.store.get('nodes', undefined, NODE)))}`));
    }, deadlineMs);
    const current = k3s.store.get('nodes', undefined, NODE);
    if (current && accept(current)) finish(current);
  });
}

/** Runs a command over SSH that must lose its connection; resolves with the exit status seen (none, if dropped). */
async function runUntilDropped(ssh: Client, command: string, deadlineMs = 10_000): Promise<{ exitCode?: number }> {
  ssh.on('error', () => undefined);
  let exitCode: number | undefined;
  ssh.exec(command, (error, stream) => {
    if (error) return;
    stream.on('exit', (code: number) => (exitCode = code));
    stream.resume();
    stream.stderr.resume();
  });
  const deadline = AbortSignal.timeout(deadlineMs);
  try {
    await once(ssh, 'close', { signal: deadline });
  } catch {
    ssh.end();
    throw new Error(`SSH connection not dropped within ${deadlineMs}ms (exit status ${exitCode ?? 'none yet'})`);
  }
  return { exitCode };
}

describe('guest faults (GuestRuntime.faults)', () => {
  let lab: Lab;
  let k3s: RunningK3sServer;
  let fingerprints: string[];
  before(async () => {
    lab = newLab();
    k3s = await startK3sServer({ network: lab.network, timing: lab.timing });
  });
  afterEach(async () => {
    lab.runtime.faults.clear();
    await lab.runtime.stopAll();
    await lab.runtime.destroy(102).catch(() => undefined);
    try { k3s.store.remove('nodes', undefined, NODE); } catch { /* not registered */ }
    try { k3s.store.remove('secrets', 'kube-system', `${NODE}.node-password.k3s`); } catch { /* not joined */ }
  });
  after(() => k3s.stop());

  const connect = () => sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, fingerprints);

  describe('dropSshDuringInstall', () => {
    it('drops the SSH connection mid-install without an exit status; nothing is installed and a rerun succeeds', async () => {
      fingerprints = await bootWorker(lab);
      lab.runtime.faults.dropSshDuringInstall();
      const dropped = await runUntilDropped(await connect(), install(k3s));
      assert.equal(dropped.exitCode, undefined);

      // The installer died of SIGPIPE at its line after the download (OpenSSH signals nothing): no binary, no unit.
      assert.equal((await lab.runtime.exec(102, 'test -e /usr/local/bin/k3s')).exitCode, 1);
      assert.equal((await lab.runtime.exec(102, 'test -e /etc/systemd/system/k3s-agent.service')).exitCode, 1);
      assert.equal((await lab.runtime.exec(102, 'systemctl is-active k3s-agent')).stdout, 'inactive\n');
      assert.equal(k3s.store.get('nodes', undefined, NODE), undefined);

      const ssh = await connect();
      try {
        const rerun = await run(ssh, install(k3s));
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.match(rerun.stdout, /\[INFO\] {2}systemd: Starting k3s-agent\n$/);
        assert.equal((await run(ssh, 'systemctl is-active k3s-agent')).stdout, 'active\n');
      } finally {
        ssh.end();
      }
      await nodeWhen(k3s, (node) => ready(node)?.status === 'True', 'Ready');
    });

    it('fires only for an installer run over SSH, not under pct exec', async () => {
      fingerprints = await bootWorker(lab);
      lab.runtime.faults.dropSshDuringInstall();
      assert.equal((await lab.runtime.exec(102, install(k3s))).exitCode, 0);
      // install.sh skips the download when the installed binary already matches the release's hash.
      const dropped = await runUntilDropped(await connect(), `rm /usr/local/bin/k3s; ${install(k3s)}; echo done`);
      assert.equal(dropped.exitCode, undefined);
    });

    it('is inert when not armed, and disarmed by clear()', async () => {
      fingerprints = await bootWorker(lab);
      lab.runtime.faults.dropSshDuringInstall();
      lab.runtime.faults.clear();
      const ssh = await connect();
      try {
        assert.equal((await run(ssh, install(k3s))).code, 0);
      } finally {
        ssh.end();
      }
    });
  });

  describe('kubeletNeverReady', () => {
    it('registers the Node and keeps it NotReady with KubeletNotReady "cni plugin not initialized" heartbeat after heartbeat', async () => {
      await bootWorker(lab);
      lab.runtime.faults.kubeletNeverReady();
      assert.equal((await lab.runtime.exec(102, install(k3s))).exitCode, 0);
      const first = await nodeWhen(k3s, (node) => ready(node) !== undefined, 'registered');
      const firstBeat = ready(first).lastHeartbeatTime;
      // Two newer heartbeats: long past the moment flannel would have made it Ready (at once at scale 0).
      const second = await nodeWhen(k3s, (node) => ready(node)?.lastHeartbeatTime !== firstBeat, 'heartbeating');
      const secondBeat = ready(second).lastHeartbeatTime;
      const third = await nodeWhen(k3s, (node) => ![firstBeat, secondBeat].includes(ready(node)?.lastHeartbeatTime), 'heartbeating');
      assert.deepEqual(
        { status: ready(third).status, reason: ready(third).reason, message: ready(third).message },
        { status: 'False', reason: 'KubeletNotReady', message: CNI_NOT_READY },
      );
      assert.doesNotMatch((await lab.runtime.exec(102, 'journalctl -u k3s-agent')).stdout, /Flannel found PodCIDR/);
    });

    it('fires for the next kubelet only: after an agent restart the Node becomes Ready', async () => {
      await bootWorker(lab);
      lab.runtime.faults.kubeletNeverReady();
      assert.equal((await lab.runtime.exec(102, install(k3s))).exitCode, 0);
      await nodeWhen(k3s, (node) => ready(node)?.reason === 'KubeletNotReady', 'registered');
      assert.equal((await lab.runtime.exec(102, 'systemctl restart k3s-agent')).exitCode, 0);
      await nodeWhen(k3s, (node) => ready(node)?.status === 'True', 'Ready');
    });
  });

  describe('kubeletStopsPosting', () => {
    it('posts Ready once, then renews no Lease and posts no status until the controller marks the Node Unknown "Kubelet stopped posting node status."; SSH keeps working', async () => {
      fingerprints = await bootWorker(lab);
      lab.runtime.faults.kubeletStopsPosting();
      assert.equal((await lab.runtime.exec(102, install(k3s))).exitCode, 0);
      const readyNode = await nodeWhen(k3s, (node) => ready(node)?.status === 'True', 'Ready');
      const lease = k3s.store.get('leases', 'kube-node-lease', NODE)!;
      assert.deepEqual(lease.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: NODE, uid: readyNode.metadata.uid }]);
      const unknown = await nodeWhen(k3s, (node) => ready(node)?.status === 'Unknown', 'Unknown');
      assert.equal(ready(unknown).reason, 'NodeStatusUnknown');
      assert.equal(ready(unknown).message, 'Kubelet stopped posting node status.');
      // The controller judged by the Lease: its last renewal is older than the grace period (2 s at scale 0).
      const lastRenewal = Date.parse(k3s.store.get('leases', 'kube-node-lease', NODE)!.spec.renewTime);
      assert.ok(Date.now() - lastRenewal >= 1_900, `Lease renewed ${Date.now() - lastRenewal} ms ago`);

      const ssh = await connect();
      try {
        assert.equal((await run(ssh, 'systemctl is-active k3s-agent')).stdout, 'active\n');
        // A restarted agent has a new kubelet, which posts again.
        assert.equal((await run(ssh, 'systemctl restart k3s-agent')).code, 0);
      } finally {
        ssh.end();
      }
      await nodeWhen(k3s, (node) => ready(node)?.status === 'True', 'Ready again');
    });
  });

  describe('sshLateInBoot', () => {
    it('refuses the first connection attempts with ECONNREFUSED while sshd is not up, then accepts', async () => {
      lab.runtime.faults.sshLateInBoot(2);
      fingerprints = await bootWorker(lab);
      for (let attempt = 1; attempt <= 2; attempt++) {
        await assert.rejects(lab.network.connect('192.168.2.21', 22), /connect ECONNREFUSED 192\.168\.2\.21:22/, `attempt ${attempt}`);
      }
      const ssh = await connect();
      assert.equal((await run(ssh, 'hostname')).stdout.trim(), NODE);
      ssh.end();
    });

    it('is inert when not armed', async () => {
      fingerprints = await bootWorker(lab);
      (await connect()).end();
    });
  });

  describe('maxPods', () => {
    it('makes kubelets started from now on report pods: n in capacity and allocatable (--max-pods)', async () => {
      await bootWorker(lab);
      lab.runtime.faults.maxPods(20);
      assert.equal((await lab.runtime.exec(102, install(k3s))).exitCode, 0);
      const node = await nodeWhen(k3s, (n) => n.status?.capacity !== undefined, 'registered');
      assert.equal(node.status.capacity.pods, '20');
      assert.equal(node.status.allocatable.pods, '20');
      assert.match((await lab.runtime.exec(102, 'journalctl -u k3s-agent')).stdout, /Running kubelet .*--kubeconfig=\S+ --max-pods=20 --node-ip=192\.168\.2\.21 /);

      lab.runtime.faults.clear();
      assert.equal((await lab.runtime.exec(102, 'systemctl restart k3s-agent')).exitCode, 0);
      await nodeWhen(k3s, (n) => n.status?.capacity?.pods === '110', 'back at 110 pods');
    });

    it('leaves the default of 110 pods when not set', async () => {
      await bootWorker(lab);
      assert.equal((await lab.runtime.exec(102, install(k3s))).exitCode, 0);
      const node = await nodeWhen(k3s, (n) => n.status?.capacity !== undefined, 'registered');
      assert.equal(node.status.capacity.pods, '110');
      assert.doesNotMatch((await lab.runtime.exec(102, 'journalctl -u k3s-agent')).stdout, /--max-pods/);
    });

    it('refuses a number of pods that is not a whole number', () => {
      assert.throws(() => lab.runtime.faults.maxPods(1.5), RangeError);
    });
  });

  describe('clear()', () => {
    it('disarms every guest fault: the next install over SSH joins a Ready node with 110 pods', async () => {
      fingerprints = await bootWorker(lab);
      const faults = lab.runtime.faults;
      faults.dropSshDuringInstall();
      faults.kubeletNeverReady();
      faults.kubeletStopsPosting();
      faults.maxPods(3);
      faults.clear();
      const ssh = await connect();
      try {
        assert.equal((await run(ssh, install(k3s))).code, 0);
      } finally {
        ssh.end();
      }
      const node = await nodeWhen(k3s, (n) => ready(n)?.status === 'True', 'Ready');
      assert.equal(node.status.capacity.pods, '110');
    });
  });
});
