import assert from 'node:assert/strict';
import https from 'node:https';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Client } from 'ssh2';
import { startK3sServer, type RunningK3sServer } from '../../../lab/k3s';
import { bootWorker, destroyWorker, eventually, K3S_LXC_LINES, newLab, run, sshTo, type Lab } from './guest-fixture';

const install = (url: string, token: string) => `curl -sfL https://get.k3s.io | K3S_URL=${url} K3S_TOKEN=${token} sh -`;

/** Watches a Node through the server's API (admin credentials from its kubeconfig) until `accept` holds. */
function watchNode(k3s: RunningK3sServer, name: string, accept: (node: any) => boolean, deadlineMs = 15_000): Promise<any> {
  const field = (key: string) => Buffer.from(new RegExp(`${key}: (\\S+)`).exec(k3s.kubeconfig())![1], 'base64').toString();
  return new Promise((resolve, reject) => {
    const request = https.get({
      host: '127.0.0.1', port: k3s.loopbackPort, path: `/api/v1/nodes?watch=true&fieldSelector=metadata.name%3D${name}`,
      ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data'), servername: 'localhost',
      checkServerIdentity: () => undefined,
    }, (response) => {
      let buffered = '';
      response.on('data', (chunk: Buffer) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines.filter(Boolean)) {
          const event = JSON.parse(line);
          if (accept(event.object)) {
            clearTimeout(timer);
            request.destroy();
            resolve(event.object);
          }
        }
      });
    });
    request.on('error', () => undefined);
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`node ${name} not as expected after ${deadlineMs}ms`));
    }, deadlineMs);
  });
}

/** GET with the server's admin identity (its kubeconfig), the body as text. */
function adminGet(k3s: RunningK3sServer, path: string): Promise<{ status: number; body: string }> {
  const field = (key: string) => Buffer.from(new RegExp(`${key}: (\\S+)`).exec(k3s.kubeconfig())![1], 'base64').toString();
  return new Promise((resolve, reject) => {
    https.get({
      host: '127.0.0.1', port: k3s.loopbackPort, path, ca: field('certificate-authority-data'), cert: field('client-certificate-data'),
      key: field('client-key-data'), checkServerIdentity: () => undefined,
    }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

const ready = (node: any) => node?.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');

/** Runs a command over SSH and closes the channel once `until` holds, as the suite's deadline does. */
async function runUntil(ssh: Client, command: string, until: () => Promise<boolean>): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    ssh.exec(command, (error, stream) => {
      if (error) return reject(error);
      stream.resume();
      stream.stderr.resume();
      stream.on('close', () => resolve());
      eventually(command, async () => (await until()) || undefined).then(() => stream.close(), reject);
    });
  });
}

describe('k3s install.sh in the guest (k3s-io/k3s install.sh setup_env)', () => {
  let lab: Lab;
  before(async () => {
    lab = newLab();
    await bootWorker(lab);
  });
  after(() => lab.runtime.stopAll());

  it("refuses K3S_URL without a token with the installer's own message (k3s install.sh)", async () => {
    const result = await lab.runtime.exec(102, 'curl -sfL https://get.k3s.io | K3S_URL=https://192.168.2.20:6443 sh -');
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, "[ERROR]  Defaulted k3s exec command to 'agent' because K3S_URL is defined, but K3S_TOKEN or K3S_TOKEN_FILE is not defined.\n");
  });

  it('refuses an http:// K3S_URL (k3s install.sh verify_k3s_url)', async () => {
    const result = await lab.runtime.exec(102, 'curl -sfL https://get.k3s.io | K3S_URL=http://192.168.2.20:6443 K3S_TOKEN=abc sh -');
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, '[ERROR]  Only https:// URLs are supported for K3S_URL (have http://192.168.2.20:6443)\n');
  });

  it('needs the binary in place for an air-gapped install (INSTALL_K3S_SKIP_DOWNLOAD=true)', async () => {
    const result = await lab.runtime.exec(102, 'curl -sfL https://get.k3s.io | INSTALL_K3S_SKIP_DOWNLOAD=true K3S_URL=https://192.168.2.20:6443 K3S_TOKEN=abc sh -');
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '[INFO]  Skipping k3s download and verify\n');
    assert.equal(result.stderr, '[ERROR]  Executable k3s binary not found at /usr/local/bin/k3s\n');
  });

  it("fails to reach a server that is not there with curl's own message and exit code 7 (curl 7.81 on jammy)", async () => {
    const result = await lab.runtime.exec(102, 'curl -sS https://192.168.2.20:6443/ping');
    assert.equal(result.exitCode, 7);
    assert.match(result.stderr, /^curl: \(7\) Failed to connect to 192\.168\.2\.20 port 6443 after \d+ ms: No route to host\n$/);
  });
});

describe('k3s agent joining the lab k3s server (k3s pkg/agent, lab/contracts/k3s-join.ts)', () => {
  let lab: Lab;
  let k3s: RunningK3sServer;
  before(async () => {
    lab = newLab();
    k3s = await startK3sServer({ network: lab.network, timing: lab.timing, node: lab.node });
  });
  afterEach(async () => {
    k3s.faults.clear();
    await destroyWorker(lab, k3s);
  });
  after(() => k3s.stop());

  it('installs the stable channel unpinned, reports active to systemd and registers a Node of that version that becomes Ready', async () => {
    const fingerprints = await bootWorker(lab);
    const ssh = await sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, fingerprints);
    try {
      const result = await run(ssh, 'sh -s', `${install(k3s.url, k3s.token)}\n`);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^\[INFO\] {2}Finding release for channel stable\n\[INFO\] {2}Using v1\.35\.1\+k3s1 as release\n/);
      assert.match(result.stdout, /\[INFO\] {2}systemd: Starting k3s-agent\n$/);
      assert.match(result.stderr, /Created symlink \/etc\/systemd\/system\/multi-user\.target\.wants\/k3s-agent\.service → \/etc\/systemd\/system\/k3s-agent\.service\./);
      assert.equal((await run(ssh, 'systemctl is-active k3s-agent')).stdout, 'active\n');
      assert.match((await run(ssh, 'systemctl status k3s-agent')).stdout, /^● k3s-agent\.service - Lightweight Kubernetes\n[\s\S]*Active: active \(running\)/);
      const envFile = await run(ssh, 'cat /etc/systemd/system/k3s-agent.service.env; stat -c %a /etc/systemd/system/k3s-agent.service.env');
      assert.match(envFile.stdout, new RegExp(`^K3S_TOKEN='${k3s.token}'\nK3S_URL='https://192\\.168\\.2\\.20:6443'\n600\n$`));

      const node = await watchNode(k3s, 'k3s-worker-01', ready);
      assert.equal(node.metadata.labels['kubernetes.io/hostname'], 'k3s-worker-01');
      assert.equal(node.metadata.labels['node.kubernetes.io/instance-type'], 'k3s');
      assert.equal(node.metadata.annotations['k3s.io/internal-ip'], '192.168.2.21');
      assert.equal(node.status.capacity.cpu, '4');
      assert.equal(node.status.capacity.memory, '4194304Ki');
      // Whatever stable pointed at: one minor ahead of the v1.34.3+k3s1 server, as an unpinned install really gets.
      assert.equal(node.status.nodeInfo.kubeletVersion, 'v1.35.1+k3s1');
      assert.equal(node.status.nodeInfo.osImage, 'Ubuntu 22.04.5 LTS');
      assert.deepEqual(node.status.addresses, [{ type: 'InternalIP', address: '192.168.2.21' }, { type: 'Hostname', address: 'k3s-worker-01' }]);
    } finally {
      ssh.end();
    }
  });

  it('hangs on a wrong token and says why only in the journal (install.sh systemctl restart, Type=notify)', async () => {
    const fingerprints = await bootWorker(lab);
    const ssh = await sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, fingerprints);
    const wrong = k3s.token.replace(/:[^:]+$/, ':not-the-password');
    const journal = () => lab.runtime.exec(102, 'journalctl -u k3s-agent --no-pager');
    try {
      await runUntil(ssh, install(k3s.url, wrong), async () => (await journal()).stdout.includes('401 Unauthorized'));
      assert.match((await journal()).stdout, /k3s\[\d+\]: time="[^"]+" level=info msg="Waiting to retrieve agent configuration; server is not ready: https:\/\/192\.168\.2\.20:6443\/v1-k3s\/client-kubelet\.crt: 401 Unauthorized"/);
      assert.equal((await run(ssh, 'systemctl is-active k3s-agent')).stdout, 'activating\n');
      assert.equal(k3s.store.get('nodes', undefined, 'k3s-worker-01'), undefined);
    } finally {
      ssh.end();
    }
  });

  it('logs the CA hash mismatch of a token from another cluster (k3s clientaccess token.go)', async () => {
    await bootWorker(lab);
    const foreign = `K10${'ab'.repeat(32)}::server:whatever`;
    const controller = new AbortController();
    const installing = lab.runtime.exec(102, install(k3s.url, foreign), { signal: controller.signal });
    const line = await eventually('CA hash mismatch in the journal', async () =>
      (await lab.runtime.exec(102, 'journalctl -u k3s-agent')).stdout.match(/token CA hash does not match the Cluster CA certificate hash: (ab)+ != [0-9a-f]{64}/)?.[0]);
    assert.ok(line);
    controller.abort();
    await installing;
  });

  it('fails the kubelet without /dev/kmsg and never becomes Ready (LXC without the kmsg bind mount)', async () => {
    await bootWorker(lab, { rawLxc: K3S_LXC_LINES.filter(([key]) => key !== 'lxc.mount.entry') });
    assert.equal((await lab.runtime.exec(102, 'test -e /dev/kmsg')).exitCode, 1);
    const result = await lab.runtime.exec(102, install(k3s.url, k3s.token));
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /Job for k3s-agent\.service failed because the control process exited with error code\./);
    const journal = (await lab.runtime.exec(102, 'journalctl -u k3s-agent')).stdout;
    assert.match(journal, /k3s-worker-01 k3s\[\d+\]: Error: failed to create kubelet: open \/dev\/kmsg: no such file or directory\n/);
    assert.match(journal, /systemd\[1\]: k3s-agent\.service: Main process exited, code=exited, status=1\/FAILURE/);
    assert.notEqual((await lab.runtime.exec(102, 'systemctl is-active k3s-agent')).stdout, 'active\n');
  });

  it('stops at the memory cgroup check without lxc.cgroup2.devices.allow: a (k3s agent cgroup validation)', async () => {
    await bootWorker(lab, { rawLxc: K3S_LXC_LINES.filter(([key]) => key !== 'lxc.cgroup2.devices.allow') });
    const result = await lab.runtime.exec(102, install(k3s.url, k3s.token));
    assert.equal(result.exitCode, 1);
    assert.match((await lab.runtime.exec(102, 'journalctl -u k3s-agent')).stdout, /level=fatal msg="failed to find memory cgroup \(v2\)"/);
  });

  it('runs a pod bound to the node, and reports an image it cannot pull (kubelet pod workers)', async () => {
    await bootWorker(lab);
    assert.equal((await lab.runtime.exec(102, install(k3s.url, k3s.token))).exitCode, 0);
    await watchNode(k3s, 'k3s-worker-01', ready);
    const pod = (name: string, image: string) => ({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '' },
      spec: { nodeName: 'k3s-worker-01', containers: [{ name: 'web', image }] }, status: { phase: 'Pending' },
    });
    k3s.store.create('pods', pod('web', 'nginx:alpine') as never);
    k3s.store.create('pods', pod('broken', 'nginx:does-not-exist') as never);
    const running = await eventually('pod web Running', () => {
      const current = k3s.store.get('pods', 'default', 'web') as any;
      return current?.status?.phase === 'Running' ? current : undefined;
    });
    assert.match(running.status.podIP, /^10\.42\.\d+\.\d+$/);
    assert.equal(running.status.containerStatuses[0].ready, true);
    const waiting = await eventually('pod broken ImagePullBackOff', () => {
      const reason = (k3s.store.get('pods', 'default', 'broken') as any)?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      return reason === 'ImagePullBackOff' ? reason : undefined;
    });
    assert.equal(waiting, 'ImagePullBackOff');
  });

  it('runs ServiceLB\'s pod on the joined node, klipper-lb pulled from the lab\'s registry, and serves its log (DaemonSet svclb-traefik)', async () => {
    await bootWorker(lab);
    assert.equal((await lab.runtime.exec(102, install(k3s.url, k3s.token))).exitCode, 0);
    await watchNode(k3s, 'k3s-worker-01', ready);
    const svclb = await eventually('svclb pod Running on the worker', () => k3s.store.list('pods', 'kube-system')
      .find((pod) => pod.spec?.nodeName === 'k3s-worker-01' && pod.metadata.name.startsWith('svclb-traefik-') && pod.status?.phase === 'Running'));
    const events = k3s.store.list('events', 'kube-system').filter((e: any) => e.involvedObject.uid === svclb.metadata.uid).map((e: any) => `${e.reason}: ${e.message}`);
    assert.ok(events.includes('Pulling: Pulling image "rancher/klipper-lb:v0.4.13"'), events.join('\n'));
    const log = await adminGet(k3s, `/api/v1/namespaces/kube-system/pods/${svclb.metadata.name}/log?container=lb-tcp-443`);
    assert.equal(log.status, 200);
    assert.match(log.body, /^\+ trap exit TERM INT\n[\s\S]*--dport 30443 -j ACCEPT\n/);
  });

  it('leaves ServiceLB\'s pod on a new worker in ImagePullBackOff while the registry is unreachable (an offline worker)', async () => {
    k3s.faults.registryUnreachable();
    await bootWorker(lab);
    assert.equal((await lab.runtime.exec(102, install(k3s.url, k3s.token))).exitCode, 0);
    await watchNode(k3s, 'k3s-worker-01', ready);
    const waiting = await eventually('svclb pod in ImagePullBackOff', () => k3s.store.list('pods', 'kube-system')
      .find((pod) => pod.spec?.nodeName === 'k3s-worker-01' && pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'));
    assert.match(waiting.status.containerStatuses[0].state.waiting.message, /^Back-off pulling image "rancher\/klipper-lb:v0\.4\.13": ErrImagePull: .*lookup registry-1\.docker\.io: Try again$/);
  });

  it('stops heartbeats when the container stops', async () => {
    await bootWorker(lab);
    assert.equal((await lab.runtime.exec(102, install(k3s.url, k3s.token))).exitCode, 0);
    await watchNode(k3s, 'k3s-worker-01', ready);
    await lab.runtime.stop(102);
    const heartbeat = () => (k3s.store.get('nodes', undefined, 'k3s-worker-01') as any).status.conditions.find((c: any) => c.type === 'Ready').lastHeartbeatTime;
    const writesAfterStop = k3s.writes().length;
    const before = heartbeat();
    await new Promise((resolve) => setTimeout(resolve, lab.timing.period(10_000) * 3));
    assert.equal(heartbeat(), before);
    assert.ok(k3s.writes().slice(writesAfterStop).every((write: any) => !JSON.stringify(write).includes('k3s-worker-01/status')));
  });
});

describe('an agent joining a server whose /cacerts is a custom CA bundle (--k3s-ca bundle)', () => {
  let lab: Lab;
  let k3s: RunningK3sServer;
  before(async () => {
    lab = newLab();
    k3s = await startK3sServer({ network: lab.network, timing: lab.timing, node: lab.node, ca: 'bundle' });
  });
  after(async () => {
    await lab.runtime.stopAll();
    await k3s.stop();
  });

  it('accepts the token, whose hash is the root\'s DER, checking it as k3s\'s hashCA does, and becomes Ready', async () => {
    await bootWorker(lab);
    assert.equal((await lab.runtime.exec(102, install(k3s.url, k3s.token))).exitCode, 0);
    await watchNode(k3s, 'k3s-worker-01', ready);
    assert.doesNotMatch((await lab.runtime.exec(102, 'journalctl -u k3s-agent')).stdout, /token CA hash does not match/);
  });
});
