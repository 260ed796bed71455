import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { createGuestRuntime, k3sInternet } from '../../../lab/guest';
import { labOptionsFromArgs, labOptionsFromEnv } from '../../../lab/lab-settings';
import { releaseAssets } from '../../../lab/net/k3s-release-assets';
import { K3sChannels, parseChannelSetting } from '../../../lab/net/k3s-releases';
import { bootWorker, newLab, type Lab } from './guest-fixture';

const AGENT = 'K3S_URL=https://192.168.2.20:6443 K3S_TOKEN=abc INSTALL_K3S_SKIP_START=true';
const install = (env = '') => `curl -sfL https://get.k3s.io | ${env} ${AGENT} sh -`;

describe('k3s release channels and downloads the lab serves its guests (install.sh get_release_version, download_and_verify)', () => {
  let lab: Lab;
  const sh = (command: string) => lab.runtime.exec(102, command);
  before(async () => {
    lab = newLab();
    await bootWorker(lab);
  });
  afterEach(() => sh('rm -f /usr/local/bin/k3s /usr/local/bin/kubectl /usr/local/bin/crictl /usr/local/bin/ctr'));
  after(() => lab.runtime.stopAll());

  it('redirects a channel to its GitHub release tag, which install.sh reads from the effective URL (rancher/channelserver: 302 Found)', async () => {
    const stable = await sh("curl -w '%{url_effective}' -L -s -S https://update.k3s.io/v1-release/channels/stable -o /dev/null");
    assert.deepEqual(stable, { stdout: 'https://github.com/k3s-io/k3s/releases/tag/v1.35.1+k3s1', stderr: '', exitCode: 0 });
    const minor = await sh("curl -s -o /dev/null -w '%{http_code} %{redirect_url}' https://update.k3s.io/v1-release/channels/v1.34");
    assert.equal(minor.stdout, '302 https://github.com/k3s-io/k3s/releases/tag/v1.34.3+k3s1');
    assert.equal((await sh("curl -s -o /dev/null -w '%{http_code}' https://update.k3s.io/v1-release/channels/nosuch")).stdout, '404');
  });

  it('installs what stable points at when no version is given, one minor ahead of the v1.34.3+k3s1 server', async () => {
    const result = await sh(install());
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, new RegExp([
      '^\\[INFO\\]  Finding release for channel stable',
      '\\[INFO\\]  Using v1\\.35\\.1\\+k3s1 as release',
      '\\[INFO\\]  Downloading hash https://github\\.com/k3s-io/k3s/releases/download/v1\\.35\\.1\\+k3s1/sha256sum-amd64\\.txt',
      '\\[INFO\\]  Downloading binary https://github\\.com/k3s-io/k3s/releases/download/v1\\.35\\.1\\+k3s1/k3s',
      '\\[INFO\\]  Verifying binary download',
      '\\[INFO\\]  Installing k3s to /usr/local/bin/k3s\n',
    ].join('\n')));
    assert.match((await sh('k3s --version')).stdout, /^k3s version v1\.35\.1\+k3s1 \([0-9a-f]{8}\)\ngo version go1\.25\.\d+\n$/);
  });

  it('installs INSTALL_K3S_VERSION without asking a channel, and k3s --version prints it as k3s does', async () => {
    const result = await sh(install('INSTALL_K3S_VERSION=v1.34.3+k3s1'));
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^\[INFO\] {2}Using v1\.34\.3\+k3s1 as release\n/);
    assert.equal((await sh('k3s --version')).stdout, 'k3s version v1.34.3+k3s1 (48ffa7b6)\ngo version go1.24.11\n');
  });

  it('follows INSTALL_K3S_CHANNEL, and skips the download when the installed binary matches the hash', async () => {
    assert.match((await sh(install('INSTALL_K3S_CHANNEL=v1.34'))).stdout, /Finding release for channel v1\.34\n\[INFO\] {2}Using v1\.34\.3\+k3s1 as release\n/);
    const again = await sh(install('INSTALL_K3S_CHANNEL=v1.34'));
    assert.match(again.stdout, /\[INFO\] {2}Skipping binary downloaded, installed k3s matches hash\n/);
    assert.doesNotMatch(again.stdout, /Downloading binary/);
  });

  it('fails with "Download failed" for a version that was never released (GitHub answers 404, curl -f exits 22)', async () => {
    const result = await sh(install('INSTALL_K3S_VERSION=v1.34.99+k3s1'));
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, '[ERROR]  Download failed\n');
    assert.match(result.stdout, /Downloading hash https:\/\/github\.com\/k3s-io\/k3s\/releases\/download\/v1\.34\.99\+k3s1\/sha256sum-amd64\.txt\n$/);
    assert.equal((await sh('test -e /usr/local/bin/k3s')).exitCode, 1);
    assert.equal((await sh('curl -sSf https://github.com/k3s-io/k3s/releases/download/v1.34.99+k3s1/k3s')).stderr, 'curl: (22) The requested URL returned error: 404\n');
  });

  it('takes an unknown channel\'s own name as the version, as the effective URL is the channel URL itself', async () => {
    const result = await sh(install('INSTALL_K3S_CHANNEL=nosuch'));
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout, /\[INFO\] {2}Using nosuch as release\n/);
    assert.equal(result.stderr, '[ERROR]  Download failed\n');
  });

  it('publishes sha256sum-amd64.txt with the real hash of the binary it serves (sha256sum format)', async () => {
    const sums = (await sh('curl -sfL https://github.com/k3s-io/k3s/releases/download/v1.35.1+k3s1/sha256sum-amd64.txt')).stdout;
    assert.match(sums, /^([0-9a-f]{64} {2}k3s-airgap-images-amd64\.tar(\.gz|\.zst)?\n){3}[0-9a-f]{64} {2}k3s\n[0-9a-f]{64} {2}k3s-images\.txt\n$/);
    const downloaded = await sh('cd /tmp && curl -sfLO https://github.com/k3s-io/k3s/releases/download/v1.35.1+k3s1/k3s && sha256sum k3s');
    assert.equal(downloaded.stdout, `${/^([0-9a-f]{64}) {2}k3s$/m.exec(sums)![1]}  k3s\n`);
    assert.equal(createHash('sha256').update(releaseAssets('v1.35.1+k3s1').get('k3s')!).digest('hex'), /^([0-9a-f]{64}) {2}k3s$/m.exec(sums)![1]);
  });
});

describe('the lab\'s k3s channel settings (lab/lab-settings.ts)', () => {
  it('takes --k3s-channel NAME=VERSION repeatedly and LAB_K3S_CHANNELS comma-separated', () => {
    assert.deepEqual(labOptionsFromArgs(['--k3s-channel', 'stable=v1.34.3+k3s1', '--k3s-channel', 'v1.33=v1.33.6+k3s1'], {}, '/tmp').k3sChannels, { stable: 'v1.34.3+k3s1', 'v1.33': 'v1.33.6+k3s1' });
    assert.deepEqual(labOptionsFromEnv({ LAB_K3S_CHANNELS: 'stable=v1.35.2+k3s1,latest=v1.36.0+k3s1' }, '/tmp').k3sChannels, { stable: 'v1.35.2+k3s1', latest: 'v1.36.0+k3s1' });
    assert.throws(() => labOptionsFromEnv({ LAB_K3S_CHANNELS: 'stable' }, '/tmp'), /LAB_K3S_CHANNELS: "stable" is not NAME=VERSION/);
    assert.throws(() => parseChannelSetting('stable=1.35'), /"1\.35" is not a k3s release/);
  });

  it('publishes every channel target and the server release, nothing else', () => {
    const channels = new K3sChannels({ 'v1.33': 'v1.33.6+k3s1' });
    assert.equal(channels.latest('stable'), 'v1.35.1+k3s1');
    assert.equal(channels.latest('v1.34'), 'v1.34.3+k3s1');
    assert.equal(channels.published('v1.33.6+k3s1'), true);
    assert.equal(channels.published('v1.32.0+k3s1'), false);
  });

  it('serves an overridden channel to a guest', async () => {
    const lab = newLab();
    lab.runtime = createGuestRuntime({ network: lab.network, timing: lab.timing, outside: k3sInternet('online', new K3sChannels({ stable: 'v1.34.3+k3s1' })) });
    await bootWorker(lab);
    try {
      const effective = await lab.runtime.exec(102, "curl -w '%{url_effective}' -L -s -S https://update.k3s.io/v1-release/channels/stable -o /dev/null");
      assert.equal(effective.stdout, 'https://github.com/k3s-io/k3s/releases/tag/v1.34.3+k3s1');
    } finally {
      await lab.runtime.stopAll();
    }
  });
});
