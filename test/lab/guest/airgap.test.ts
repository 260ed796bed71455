import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createGuestRuntime, k3sInternet } from '../../../lab/guest';
import { containerdPullFailure } from '../../../lab/guest/image-pull-access';
import { startK3sServer, type RunningK3sServer } from '../../../lab/k3s';
import { AIRGAP_FILES, writeAirgapArtifacts } from '../../../lab/net/airgap-artifacts';
import { AIRGAP_IMAGES } from '../../../lab/net/k3s-release-assets';
import { bootWorker, eventually, newLab, run, sshTo, type Lab } from './guest-fixture';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the air-gap artifact set (k3s air-gap install: install.sh, k3s, images tarball, sha256sum-amd64.txt)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'airgap-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the four files, a small executable k3s naming its release, and sums in sha256sum format that match them', () => {
    const paths = writeAirgapArtifacts(dir, 'v1.34.3+k3s1');
    assert.deepEqual(Object.keys(paths), [...AIRGAP_FILES]);
    const binary = readFileSync(paths.k3s);
    assert.ok(binary.length < 200, `${binary.length} bytes`);
    assert.match(binary.toString(), /^# k3s v1\.34\.3\+k3s1 \(48ffa7b6\)/m);
    assert.equal(statSync(paths.k3s).mode & 0o777, 0o755);
    const sums = readFileSync(paths['sha256sum-amd64.txt'], 'utf8');
    for (const name of ['k3s', 'k3s-airgap-images-amd64.tar.zst'] as const) {
      assert.ok(sums.includes(`${sha256(readFileSync(paths[name]))}  ${name}\n`), name);
    }
  });
});

describe('an air-gapped worker (INSTALL_K3S_SKIP_DOWNLOAD=true, images in /var/lib/rancher/k3s/agent/images)', () => {
  let lab: Lab;
  let k3s: RunningK3sServer;
  let dir: string;
  before(async () => {
    lab = newLab();
    lab.runtime = createGuestRuntime({ network: lab.network, timing: lab.timing, outside: k3sInternet('offline') });
    k3s = await startK3sServer({ network: lab.network, timing: lab.timing });
    dir = mkdtempSync(join(tmpdir(), 'airgap-'));
  });
  after(async () => {
    await lab.runtime.stopAll();
    await k3s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the files in over SSH byte for byte, installs that release offline and imports its images at agent start', async () => {
    const paths = writeAirgapArtifacts(dir);
    const fingerprints = await bootWorker(lab);
    const ssh = await sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, fingerprints);
    try {
      const images = '/var/lib/rancher/k3s/agent/images';
      assert.equal((await run(ssh, `mkdir -p ${images} /usr/local/bin`)).code, 0);
      assert.equal((await run(ssh, 'cat > /usr/local/bin/k3s', readFileSync(paths.k3s))).code, 0);
      assert.equal((await run(ssh, `cat > ${images}/k3s-airgap-images-amd64.tar.zst`, readFileSync(paths['k3s-airgap-images-amd64.tar.zst']))).code, 0);
      assert.equal((await run(ssh, 'base64 -d > /root/install.sh', readFileSync(paths['install.sh']).toString('base64'))).code, 0);
      assert.equal((await run(ssh, 'chmod 755 /usr/local/bin/k3s')).code, 0);
      const sums = (await run(ssh, `sha256sum /usr/local/bin/k3s ${images}/k3s-airgap-images-amd64.tar.zst`)).stdout;
      assert.equal(sums, `${sha256(readFileSync(paths.k3s))}  /usr/local/bin/k3s\n${sha256(readFileSync(paths['k3s-airgap-images-amd64.tar.zst']))}  ${images}/k3s-airgap-images-amd64.tar.zst\n`);

      const install = await run(ssh, `INSTALL_K3S_SKIP_DOWNLOAD=true K3S_URL=${k3s.url} K3S_TOKEN=${k3s.token} sh /root/install.sh`);
      assert.equal(install.code, 0, install.stderr);
      assert.match(install.stdout, /^\[INFO\] {2}Skipping k3s download and verify\n\[INFO\] {2}Skipping installation of SELinux RPM\n/);
      const journal = (await run(ssh, 'journalctl -u k3s-agent --no-pager')).stdout;
      assert.match(journal, /level=info msg="Imported images from \/var\/lib\/rancher\/k3s\/agent\/images\/k3s-airgap-images-amd64\.tar\.zst in [\d.]+(ns|µs|ms|s)"/);
    } finally {
      ssh.end();
    }
    const node = await eventually('Node k3s-worker-01', () => k3s.store.get('nodes', undefined, 'k3s-worker-01') as any);
    assert.equal(node.status.nodeInfo.kubeletVersion, 'v1.34.3+k3s1');
    assert.deepEqual([...lab.runtime.images(102)].sort(), [...AIRGAP_IMAGES].sort());
    const view = { outside: k3sInternet('offline'), network: lab.network, images: new Set(lab.runtime.images(102)) };
    assert.equal(containerdPullFailure(view, {}, 'rancher/mirrored-pause:3.6'), undefined);
    assert.match(containerdPullFailure(view, {}, 'nginx:alpine')!, /lookup registry-1\.docker\.io: Try again$/);
  });

  it('starts ServiceLB\'s pod from the imported klipper-lb without a pull, and an image it lacks fails as containerd fails offline (lookup ...: Try again)', async () => {
    const svclb = await eventually('svclb pod Running on the worker', () => k3s.store.list('pods', 'kube-system')
      .find((pod) => pod.spec?.nodeName === 'k3s-worker-01' && pod.metadata.name.startsWith('svclb-traefik-') && pod.status?.phase === 'Running'));
    const events = k3s.store.list('events', 'kube-system').filter((e: any) => e.involvedObject.uid === svclb.metadata.uid).map((e: any) => `${e.reason}: ${e.message}`);
    assert.ok(events.includes('Pulled: Container image "rancher/klipper-lb:v0.4.13" already present on machine'), events.join('\n'));
    k3s.store.create('pods', { metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'k3s-worker-01', containers: [{ name: 'nginx', image: 'nginx:alpine' }] } });
    const waiting = await eventually('pod web ErrImagePull', () => {
      const state = (k3s.store.get('pods', 'default', 'web') as any)?.status?.containerStatuses?.[0]?.state?.waiting;
      return state?.reason === 'ErrImagePull' ? state : undefined;
    });
    assert.match(waiting.message, /Head "https:\/\/registry-1\.docker\.io\/v2\/library\/nginx\/manifests\/alpine": dial tcp: lookup registry-1\.docker\.io: Try again$/);
  });

  it('logs an archive it cannot read and goes on (k3s preloadImages: "Error encountered while importing")', async () => {
    await lab.runtime.exec(102, 'echo junk > /var/lib/rancher/k3s/agent/images/broken.tar.zst && systemctl restart k3s-agent');
    const journal = (await lab.runtime.exec(102, 'journalctl -u k3s-agent --no-pager')).stdout;
    assert.match(journal, /level=error msg="Error encountered while importing \/var\/lib\/rancher\/k3s\/agent\/images\/broken\.tar\.zst: invalid input: magic number mismatch"/);
    assert.equal((await lab.runtime.exec(102, 'systemctl is-active k3s-agent')).stdout, 'active\n');
  });
});
