import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import type { RunningLab } from '../../lab';
import { readChangeFile } from '../../src/changes/change-record';
import { InfrastructureError } from '../../src/errors';
import { installAgent } from '../../src/provisioning/join-agent';
import { openGuestSession, provisionContainer } from '../../src/provisioning/provision-container';
import { DEFAULT_TIMEOUTS } from '../../src/waiting/suite-timeouts';
import { Waits } from '../../src/waiting/waits';
import { openTarget, workContext } from '../support/open-target';
import { storyOnLab as story, withLab } from '../support/lab-runs';
import { storySpec } from '../support/story-spec';

const RUN_TIMEOUT = { timeout: 10 * 60_000 };


const workerNode = (lab: RunningLab) => lab.k3s.store.get('nodes', undefined, 'k3s-worker-01') as V1Node | undefined;
const messagesOf = (run: { reportsDir: string }) => readFileSync(join(run.reportsDir, 'cucumber-messages.ndjson'), 'utf8');

describe('joining the way a real k3s agent joins (issue: pinned version, offline and proxied workers)', () => {
  it('pins the agent to the server\'s version by default, and says so; a channel newer than the server is refused before anything is created, quoting the policy', RUN_TIMEOUT, async (t) => {
    await withLab({}, async (lab) => {
      const writes = lab.proxmox.writeCount();
      const stable = await story(lab, { INSTALL_K3S_CHANNEL: 'stable' }, t.signal);
      assert.notEqual(stable.exitCode, 0);
      assert.match(stable.output, /INSTALL_K3S_CHANNEL \(v1\.35\.1\+k3s1\): the agent would run v1\.35\.1\+k3s1, newer than the server's v1\.34\.3\+k3s1, which breaks the Kubernetes version-skew policy/);
      assert.equal(lab.proxmox.writeCount(), writes, 'nothing was created');
      const pinned = await story(lab, {}, t.signal);
      assert.equal(pinned.exitCode, 0, pinned.output);
      assert.equal(workerNode(lab)?.status?.nodeInfo?.kubeletVersion, 'v1.34.3+k3s1');
      assert.match(messagesOf(pinned), /installing the k3s agent v1\.34\.3\+k3s1 on k3s-worker-01: pinned to the server's version v1\.34\.3\+k3s1 \(GET \/version\)/);
    });
  });

  it('a channel that names the server\'s minor (v1.34) is resolved on the Proxmox host and installed as its release', RUN_TIMEOUT, async (t) => {
    await withLab({}, async (lab) => {
      const run = await story(lab, { INSTALL_K3S_CHANNEL: 'v1.34' }, t.signal);
      assert.equal(run.exitCode, 0, run.output);
      assert.match(messagesOf(run), /installing the k3s agent v1\.34\.3\+k3s1 on k3s-worker-01: what channel v1\.34 names now/);
    });
  });

  it('offline: the download fails within seconds with curl\'s own error and nothing is left; with K3S_AIRGAP_DIR the story passes', RUN_TIMEOUT, async (t) => {
    await withLab({ guestInternet: 'offline' }, async (lab) => {
      const started = Date.now();
      const online = await story(lab, {}, t.signal);
      assert.notEqual(online.exitCode, 0);
      assert.match(online.output, /worker k3s-worker-01 could not download the k3s installer from https:\/\/get\.k3s\.io: curl: \(6\) Could not resolve host: get\.k3s\.io/);
      assert.ok(Date.now() - started < 60_000, 'no hang until a deadline');
      assert.equal(lab.proxmox.containers.has(102), false, 'the failed run removed its container');
      const airgapped = await story(lab, { K3S_AIRGAP_DIR: lab.env.LAB_AIRGAP_DIR }, t.signal);
      assert.equal(airgapped.exitCode, 0, airgapped.output);
      const copies = readChangeFile(join(airgapped.reportsDir, 'changes.jsonl')).filter((change) => change.action === 'copy').map((change) => change.target.split(' ')[0]);
      assert.deepEqual(copies, ['install.sh', 'k3s', 'k3s-airgap-images-amd64.tar.zst', 'nginx-alpine.tar']);
    });
  });

  it('behind a proxy: fails clearly without the proxy variables, passes with them, and the agent\'s env file carries them', RUN_TIMEOUT, async (t) => {
    await withLab({ guestInternet: 'proxy' }, async (lab) => {
      const direct = await story(lab, { SUITE_TIMEOUTS: 'install=20s' }, t.signal);
      assert.notEqual(direct.exitCode, 0);
      assert.match(direct.output, /could not download the k3s installer from https:\/\/get\.k3s\.io: curl: \(28\)/);
      assert.match(direct.output, /WORKER_HTTP_PROXY/);
      const proxied = await story(lab, { WORKER_HTTP_PROXY: lab.env.LAB_GUEST_PROXY }, t.signal);
      assert.equal(proxied.exitCode, 0, proxied.output);
      const envFile = (await lab.guests.exec(102, 'cat /etc/systemd/system/k3s-agent.service.env')).stdout;
      assert.match(envFile, new RegExp(`^HTTPS_PROXY='${lab.env.LAB_GUEST_PROXY}'$`, 'm'));
      assert.match(envFile, /^NO_PROXY='127\.0\.0\.1,localhost,192\.168\.2\.20,192\.168\.2\.21\/24,10\.42\.0\.0\/16,10\.43\.0\.0\/16,\.svc,\.cluster\.local'$/m);
    });
  });

  it('a CA bundle (intermediate and root, as after k3s certificate rotate-ca) is hashed as k3s hashes it, and the story passes', RUN_TIMEOUT, async (t) => {
    await withLab({ k3sCa: 'bundle' }, async (lab) => {
      const run = await story(lab, {}, t.signal);
      assert.equal(run.exitCode, 0, run.output);
    });
  });

  it('an installer cut off at its deadline is stopped in the guest (closing the channel stops nothing): no installer process is left', RUN_TIMEOUT, async () => {
    await withLab({}, async (lab) => {
      const target = await openTarget(lab.env, 'real');
      try {
        const ctx = workContext(target);
        const container = await provisionContainer(ctx, storySpec());
        const guest = await openGuestSession(target, container, target.services.waits);
        const notes: Array<[string, string]> = [];
        const evidence = { attach: (title: string, text: string) => void notes.push([title, text]), note: () => {} };
        const waits = new Waits({ ...DEFAULT_TIMEOUTS, install: 3000 });
        // A wrong password: the agent keeps asking the supervisor, and install.sh waits on `systemctl restart`.
        const install = { serverUrl: 'https://192.168.2.20:6443', token: 'not-the-password', version: 'v1.34.3+k3s1' };
        await assert.rejects(installAgent({ current: async () => guest, reconnect: () => openGuestSession(target, container, target.services.waits) }, install, waits, evidence), (error: Error) => {
          assert.ok(error instanceof InfrastructureError);
          assert.match(error.message, /k3s agent installation on worker k3s-worker-01 not reached after 3s/);
          return true;
        });
        const stopped = notes.find(([title]) => title === 'worker k3s-worker-01: the installer stopped at its deadline');
        assert.ok(stopped, notes.map(([title]) => title).join(', '));
        assert.doesNotMatch(stopped[1].split('$ ps')[1], /k3s-install\.sh/, 'ps shows no installer');
        assert.equal((await lab.guests.exec(102, 'pgrep -f /root/k3s-install.sh')).exitCode, 1, 'and none runs now');
        guest.close();
      } finally {
        target.close();
      }
    });
  });
});
