import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGuestRuntime, k3sInternet } from '../../../lab/guest';
import { containerdPullFailure } from '../../../lab/guest/image-pull-access';
import { labOptionsFromEnv } from '../../../lab/lab-settings';
import { LAB_PROXY, type GuestInternetMode } from '../../../lab/net/outside-world';
import { curlProxyFor, goProxyFor } from '../../../lab/net/proxy-environment';
import { bootWorker, newLab, type Lab } from './guest-fixture';

const PROXY = `http://${LAB_PROXY.host}:${LAB_PROXY.port}`;
const AGENT = 'K3S_URL=https://192.168.2.20:6443 K3S_TOKEN=abc INSTALL_K3S_SKIP_START=true';

async function guestLab(mode: GuestInternetMode): Promise<Lab> {
  const lab = newLab();
  lab.runtime = createGuestRuntime({ network: lab.network, timing: lab.timing, outside: k3sInternet(mode) });
  if (mode === 'proxy') lab.network.attachHost(LAB_PROXY.host);
  await bootWorker(lab);
  return lab;
}

describe('an offline guest: no outside name resolves', () => {
  let lab: Lab;
  const sh = (command: string) => lab.runtime.exec(102, command);
  before(async () => (lab = await guestLab('offline')));
  after(() => lab.runtime.stopAll());

  it('fails to resolve get.k3s.io with curl (6) (curl 7.81 lib/hostip.c)', async () => {
    assert.deepEqual(await sh('curl -fsSL https://get.k3s.io -o /tmp/install.sh'), { stdout: '', stderr: 'curl: (6) Could not resolve host: get.k3s.io\n', exitCode: 6 });
  });

  it('runs `curl ... | sh -` to exit 0 having installed nothing, the failure unsaid', async () => {
    assert.deepEqual(await sh(`curl -sfL https://get.k3s.io | ${AGENT} sh -`), { stdout: '', stderr: '', exitCode: 0 });
    assert.equal((await sh('test -e /etc/systemd/system/k3s-agent.service')).exitCode, 1);
  });

  it('takes the channel name as the release when the channel lookup fails, then fails the download (install.sh get_release_version)', async () => {
    await sh('echo "k3s-lab-install \\"\\$@\\"" > /tmp/install.sh');
    const result = await sh(`${AGENT} sh /tmp/install.sh`);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, [
      '[INFO]  Finding release for channel stable',
      '[INFO]  Using stable as release',
      '[INFO]  Downloading hash https://github.com/k3s-io/k3s/releases/download/stable/sha256sum-amd64.txt',
      '',
    ].join('\n'));
    assert.equal(result.stderr, 'curl: (6) Could not resolve host: update.k3s.io\n[ERROR]  Download failed\n');
  });

  it('cannot pull an image that was not imported: containerd cannot look up the registry (lookup ...: Try again)', () => {
    const view = { outside: k3sInternet('offline'), network: lab.network, images: new Set<string>() };
    assert.match(containerdPullFailure(view, {}, 'nginx:alpine')!, /Head "https:\/\/registry-1\.docker\.io\/v2\/library\/nginx\/manifests\/alpine": dial tcp: lookup registry-1\.docker\.io: Try again$/);
    view.images.add('docker.io/library/nginx:alpine');
    assert.equal(containerdPullFailure(view, {}, 'nginx:alpine'), undefined);
  });
});

describe('a guest behind a proxy: direct connections are dropped, the LAN proxy passes them', () => {
  let lab: Lab;
  const sh = (command: string) => lab.runtime.exec(102, command);
  before(async () => (lab = await guestLab('proxy')));
  after(() => lab.runtime.stopAll());

  it('times out connecting directly, as dropped SYNs do after the kernel\'s retries: curl (28) Connection timed out (lib/connect.c)', async () => {
    const result = await sh('curl -sS https://get.k3s.io -o /dev/null');
    assert.equal(result.exitCode, 28);
    assert.match(result.stderr, /^curl: \(28\) Failed to connect to get\.k3s\.io port 443 after \d+ ms: Connection timed out\n$/);
    const bounded = await sh('curl -sS --connect-timeout 5 https://get.k3s.io -o /dev/null');
    assert.match(bounded.stderr, /^curl: \(28\) Connection timed out after \d+ milliseconds\n$/);
  });

  it('goes through the proxy named by HTTPS_PROXY, -x or https_proxy, but not HTTP_PROXY for https (curl detect_proxy)', async () => {
    assert.equal((await sh(`HTTPS_PROXY=${PROXY} curl -fsS https://get.k3s.io -o /dev/null`)).exitCode, 0);
    assert.equal((await sh(`https_proxy=${PROXY} curl -fsS https://get.k3s.io -o /dev/null`)).exitCode, 0);
    assert.equal((await sh(`curl -fsS -x ${PROXY} https://get.k3s.io -o /dev/null`)).exitCode, 0);
    assert.equal((await sh(`HTTP_PROXY=${PROXY} curl -sS --connect-timeout 1 https://get.k3s.io -o /dev/null`)).exitCode, 28);
    assert.equal((await sh(`HTTPS_PROXY=${PROXY} NO_PROXY=.k3s.io curl -sS --connect-timeout 1 https://get.k3s.io -o /dev/null`)).exitCode, 28);
  });

  it('is refused CONNECT to a port other than 443 by squid\'s default SSL_ports: curl (56)', async () => {
    const result = await sh(`curl -sSk -x ${PROXY} https://192.168.2.20:6443/cacerts`);
    assert.deepEqual(result, { stdout: '', stderr: 'curl: (56) Received HTTP code 403 from proxy after CONNECT\n', exitCode: 56 });
  });

  it('fails to reach a proxy address nobody holds: curl (7) No route to host, naming the proxy', async () => {
    const result = await sh('HTTPS_PROXY=http://192.168.2.99:3128 curl -sS https://get.k3s.io');
    assert.match(result.stderr, /^curl: \(7\) Failed to connect to 192\.168\.2\.99 port 3128 after \d+ ms: No route to host\n$/);
  });

  it('installs with the proxy variables and writes them into the agent\'s env file (install.sh create_env_file)', async () => {
    const env = `HTTP_PROXY=${PROXY} HTTPS_PROXY=${PROXY} NO_PROXY=127.0.0.0/8,10.0.0.0/8,192.168.2.0/24`;
    const result = await sh(`curl -fsSL https://get.k3s.io -x ${PROXY} -o /tmp/install.sh && ${env} INSTALL_K3S_VERSION=v1.34.3+k3s1 ${AGENT} sh /tmp/install.sh`);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await sh('cat /etc/systemd/system/k3s-agent.service.env')).stdout, [
      "K3S_TOKEN='abc'",
      "K3S_URL='https://192.168.2.20:6443'",
      `HTTPS_PROXY='${PROXY}'`,
      `HTTP_PROXY='${PROXY}'`,
      "NO_PROXY='127.0.0.0/8,10.0.0.0/8,192.168.2.0/24'",
      '',
    ].join('\n'));
  });

  it('lets containerd pull through the proxy in the agent\'s environment, and not without it (Go ProxyFromEnvironment)', () => {
    const view = { outside: k3sInternet('proxy'), network: lab.network, images: new Set<string>() };
    assert.match(containerdPullFailure(view, {}, 'nginx:alpine')!, /: dial tcp [\d.]+:443: connect: connection timed out$/);
    assert.equal(containerdPullFailure(view, { HTTPS_PROXY: PROXY }, 'nginx:alpine'), undefined);
    assert.equal(containerdPullFailure(view, { CONTAINERD_HTTPS_PROXY: PROXY }, 'registry.k8s.io/pause:3.10'), undefined);
    assert.match(containerdPullFailure(view, { HTTPS_PROXY: PROXY, NO_PROXY: 'docker.io,.docker.io' }, 'nginx:alpine')!, /connection timed out$/);
    assert.match(containerdPullFailure(view, { HTTPS_PROXY: 'http://192.168.2.99:3128' }, 'nginx:alpine')!, /proxyconnect tcp: dial tcp 192\.168\.2\.99:3128: connect: no route to host$/);
  });
});

describe('proxy selection from the environment', () => {
  it('follows curl 7.81: lowercase first, no uppercase HTTP_PROXY, NO_PROXY by dot-suffix and no CIDR (lib/url.c)', () => {
    const url = (text: string) => new URL(text);
    assert.equal(curlProxyFor(url('http://example.com/'), { HTTP_PROXY: PROXY }), undefined);
    assert.equal(curlProxyFor(url('http://example.com/'), { http_proxy: PROXY }), PROXY);
    assert.equal(curlProxyFor(url('https://get.k3s.io/'), { HTTPS_PROXY: PROXY, NO_PROXY: 'k3s.io' }), undefined);
    assert.equal(curlProxyFor(url('https://192.168.2.20:6443/'), { HTTPS_PROXY: PROXY, NO_PROXY: '192.168.2.0/24' }), PROXY);
    assert.equal(curlProxyFor(url('https://192.168.2.20:6443/'), { HTTPS_PROXY: PROXY, no_proxy: '192.168.2.20' }), undefined);
  });

  it('follows Go for containerd: uppercase first, CIDRs and domains in NO_PROXY, loopback never proxied', () => {
    assert.equal(goProxyFor(new URL('https://192.168.2.20:6443/'), { HTTPS_PROXY: PROXY, NO_PROXY: '192.168.2.0/24' }), undefined);
    assert.equal(goProxyFor(new URL('https://registry-1.docker.io/'), { HTTPS_PROXY: PROXY, NO_PROXY: 'docker.io' }), undefined);
    assert.equal(goProxyFor(new URL('https://registry.k8s.io/'), { HTTPS_PROXY: PROXY, NO_PROXY: 'docker.io' }), PROXY);
    assert.equal(goProxyFor(new URL('https://127.0.0.1:6444/'), { HTTPS_PROXY: PROXY }), undefined);
  });

  it('reads LAB_GUEST_INTERNET, refusing other values', () => {
    assert.equal(labOptionsFromEnv({ LAB_GUEST_INTERNET: 'proxy' }, '/tmp').guestInternet, 'proxy');
    assert.throws(() => labOptionsFromEnv({ LAB_GUEST_INTERNET: 'airgapped' }, '/tmp'), /LAB_GUEST_INTERNET: "airgapped" is not one of online, offline, proxy/);
  });
});
