import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'ssh2';
import { generateParsableKeyPair } from '../../../lab/guest/host-keys';
import { bootWorker, newLab, run, sshTo, TEST_HOST, workerConfig, type Lab } from './guest-fixture';

describe('LXC guest over SSH (pve-container vzcreate/vzstart, OpenSSH in the template)', () => {
  let lab: Lab;
  let fingerprints: string[];
  let ssh: Client;

  before(async () => {
    lab = newLab();
    fingerprints = await bootWorker(lab);
    ssh = await sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, fingerprints);
  });
  after(async () => {
    ssh?.end();
    await lab.runtime.stopAll();
  });

  it('reports OpenSSH-style SHA256 host key fingerprints that the served host key matches (ssh-keygen -lf)', () => {
    assert.equal(fingerprints.length, 3);
    for (const fingerprint of fingerprints) assert.match(fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('shows the Ubuntu 22.04.5 os-release verbatim (ubuntu-22.04-standard template)', async () => {
    const result = await run(ssh, 'cat /etc/os-release');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^PRETTY_NAME="Ubuntu 22\.04\.5 LTS"\n/);
    assert.match(result.stdout, /\nVERSION="22\.04\.5 LTS \(Jammy Jellyfish\)"\n/);
    assert.match(result.stdout, /\nUBUNTU_CODENAME=jammy\n$/);
  });

  it('sees the cores, memory and disk from the container config (lxcfs, local-lvm)', async () => {
    assert.equal((await run(ssh, 'nproc')).stdout, '4\n');
    const free = (await run(ssh, 'free -m')).stdout.split('\n');
    assert.match(free[0], /^\s+total\s+used\s+free\s+shared\s+buff\/cache\s+available$/);
    assert.match(free[1], /^Mem:\s+4096\s/);
    assert.match(free[2], /^Swap:\s+512\s/);
    const df = (await run(ssh, 'df -h /')).stdout.split('\n');
    assert.match(df[0], /^Filesystem\s+Size\s+Used\s+Avail\s+Use% Mounted on$/);
    assert.match(df[1], /^\/dev\/mapper\/pve-vm--102--disk--0\s+49G\s+\S+\s+46G\s+\d+% \/$/);
    assert.match((await run(ssh, 'cat /proc/meminfo')).stdout, /^MemTotal:\s+4194304 kB$/m);
  });

  it('answers with its hostname and net0 address (hostname, iproute2)', async () => {
    assert.equal((await run(ssh, 'hostname')).stdout, 'k3s-worker-01\n');
    assert.equal((await run(ssh, 'hostname -I')).stdout, '192.168.2.21 \n');
    const ip = (await run(ssh, 'ip -4 addr show eth0')).stdout;
    assert.match(ip, /^2: eth0@if\d+: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 /);
    assert.match(ip, /\n {4}inet 192\.168\.2\.21\/24 brd 192\.168\.2\.255 scope global eth0\n/);
    assert.match((await run(ssh, 'uname -r')).stdout, /^6\.8\.12-9-pve\n$/);
  });

  it('returns real exit codes and stderr, and runs a script sent on stdin with sh -s (OpenSSH exec channel)', async () => {
    const missing = await run(ssh, 'ls /nope');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such file or directory/);
    const script = await run(ssh, 'sh -s', 'TOKEN=secret-value\necho "got ${#TOKEN} chars"\nexit 5\n');
    assert.equal(script.stdout, 'got 12 chars\n');
    assert.equal(script.code, 5);
    const piped = await run(ssh, 'bash -s', 'mkdir -p /etc/demo && echo hi | tee /etc/demo/f >/dev/null && sha256sum /etc/demo/f\n');
    assert.match(piped.stdout, /^[0-9a-f]{64} {2}\/etc\/demo\/f\n$/);
  });

  it('refuses password authentication: only public keys are accepted (sshd_config, pve ssh-public-keys)', async () => {
    await assert.rejects(sshTo(lab, '192.168.2.21', { password: 'secret' }, fingerprints), /All configured authentication methods failed/);
  });

  it('refuses a key that is not in /root/.ssh/authorized_keys', async () => {
    const { utils } = await import('ssh2');
    const stranger = generateParsableKeyPair(() => utils.generateKeyPairSync('ed25519'));
    await assert.rejects(sshTo(lab, '192.168.2.21', { privateKey: stranger.private }, fingerprints), /All configured authentication methods failed/);
  });

  it('kills a command when the client closes its channel (sshd SIGHUP on channel close)', async () => {
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      ssh.exec('while true; do sleep 1; done', (error, stream) => {
        if (error) return reject(error);
        stream.resume();
        stream.on('close', () => resolve());
        setTimeout(() => stream.close(), 50);
      });
    });
    assert.ok(Date.now() - started < 3000);
    assert.equal((await run(ssh, 'echo still-serving')).stdout, 'still-serving\n');
  });

  it('runs pct exec in the same guest shell', async () => {
    const result = await lab.runtime.exec(102, 'cat /etc/hostname; hostname');
    assert.equal(result.stdout, 'k3s-worker-01\nk3s-worker-01\n');
    assert.deepEqual(lab.runtime.interfaces(102).map((i) => [i.name, i.inet]), [['lo', '127.0.0.1/8'], ['eth0', '192.168.2.21/24']]);
  });
});

describe('LXC guest stop (vzstop)', () => {
  it('closes the SSH port and the address stops answering', async () => {
    const lab = newLab();
    const fingerprints = await bootWorker(lab);
    const ssh = await sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, fingerprints);
    const closed = new Promise<void>((resolve) => ssh.once('close', () => resolve()));
    await lab.runtime.stop(102);
    await closed;
    assert.equal(lab.runtime.isRunning(102), false);
    await assert.rejects(lab.network.connect('192.168.2.21', 22), (error: Error & { code?: string }) => error.code === 'EHOSTUNREACH');
    await assert.rejects(lab.runtime.exec(102, 'true'), /CT 102 not running/);
    await lab.runtime.destroy(102);
  });
});

describe('lab fault: replaceHostKeys (container rebuilt behind the same address, or a man in the middle)', () => {
  it('serves new host keys from /etc/ssh: a client pinned to the old fingerprints is refused, the new ones work', async () => {
    const lab = newLab();
    try {
      const before = await bootWorker(lab);
      const replaced = await lab.runtime.replaceHostKeys(102);
      assert.deepEqual(replaced.map((key) => key.type), ['rsa', 'ecdsa', 'ed25519']);
      const after = replaced.map((key) => key.fingerprint);
      for (const fingerprint of after) assert.ok(!before.includes(fingerprint), 'every key is new');
      await assert.rejects(sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, before), /verification failed/i);
      const ssh = await sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, after);
      const pub = await run(ssh, 'cat /etc/ssh/ssh_host_ed25519_key.pub');
      assert.equal(pub.stdout, `${replaced[2].publicKey}\n`);
      assert.match(pub.stdout, /^ssh-ed25519 \S+ root@k3s-worker-01\n$/);
      ssh.end();
    } finally {
      await lab.runtime.stopAll();
    }
  });

  it('ends open sessions (sshd restarted) and keeps the new keys across a reboot', async () => {
    const lab = newLab();
    try {
      const first = await bootWorker(lab);
      const ssh = await sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, first);
      const closed = new Promise<void>((resolve) => ssh.once('close', () => resolve()));
      const replaced = (await lab.runtime.replaceHostKeys(102)).map((key) => key.fingerprint);
      await closed;
      await lab.runtime.stop(102);
      await lab.runtime.start(workerConfig(), TEST_HOST);
      const again = await sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, replaced);
      assert.equal((await run(again, 'hostname')).stdout, 'k3s-worker-01\n');
      again.end();
    } finally {
      await lab.runtime.stopAll();
    }
  });

  it('refuses a guest that is not running', async () => {
    const lab = newLab();
    await bootWorker(lab);
    await lab.runtime.stop(102);
    await assert.rejects(lab.runtime.replaceHostKeys(102), /CT 102 not running/);
    await assert.rejects(lab.runtime.replaceHostKeys(999), /CT 999 does not exist/);
  });
});
