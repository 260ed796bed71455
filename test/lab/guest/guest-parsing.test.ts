import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJoinToken } from '../../../lab/guest/k3s-agent';
import { lxcPrerequisites } from '../../../lab/guest/lxc-prerequisites';
import { readsStdin } from '../../../lab/guest/stdin-readers';
import { Systemd } from '../../../lab/guest/systemd';
import { parseEnvironmentFile, parseUnitFile } from '../../../lab/guest/unit-file';
import { workerConfig } from './guest-fixture';

describe('what the guest reads from its inputs', () => {
  it('splits a secure k3s token into CA hash, user and password (k3s pkg/clientaccess/token.go)', () => {
    const hash = 'a'.repeat(64);
    // The agent authenticates as `node` whatever the token names (pkg/agent/config: clientaccess.WithUser("node")).
    assert.deepEqual(parseJoinToken(`K10${hash}::server:pw`), { caHash: hash, username: 'node', password: 'pw' });
    assert.deepEqual(parseJoinToken('bare-password'), { username: 'node', password: 'bare-password' });
  });

  it('waits for stdin only for commands that read it (sh -s, bash, tee, cat, -f -)', () => {
    for (const command of ['sh -s', 'sh', 'bash -s', 'sh -s - agent', 'sudo sh', 'cat > /etc/x', 'tee /etc/x', 'kubectl apply -f -']) assert.equal(readsStdin(command), true, command);
    for (const command of ['cat /etc/os-release', 'nproc', 'sh -c "echo hi"', 'df -h /', 'curl -sfL https://get.k3s.io | sh -', 'cat < /etc/hosts']) assert.equal(readsStdin(command), false, command);
  });

  it('gives stdin to every command of a list, as bash does: `mkdir -p d && cat > d/f && chmod 755 d/f` reads it', () => {
    assert.equal(readsStdin('mkdir -p /usr/local/bin && cat > /usr/local/bin/k3s && chmod 755 /usr/local/bin/k3s && sha256sum /usr/local/bin/k3s'), true);
    assert.equal(readsStdin('mkdir -p /tmp/x && echo done'), false);
  });

  it('reads the k3s unit and its environment file as systemd does (systemd.exec EnvironmentFile)', () => {
    const unit = parseUnitFile('[Unit]\nDescription=Lightweight Kubernetes\n[Service]\nType=notify\nRestart=always\nRestartSec=5s\nEnvironmentFile=-/etc/systemd/system/k3s-agent.service.env\nExecStart=/usr/local/bin/k3s \\\n    agent \\\n\n');
    assert.deepEqual(unit.execStart, ['/usr/local/bin/k3s', 'agent']);
    assert.equal(unit.restartSecMs, 5000);
    assert.deepEqual(unit.environmentFiles, [{ path: '/etc/systemd/system/k3s-agent.service.env', optional: true }]);
    assert.deepEqual(parseEnvironmentFile("K3S_TOKEN='K10abc::server:x'\nK3S_URL='https://192.168.2.20:6443'\n"), { K3S_TOKEN: 'K10abc::server:x', K3S_URL: 'https://192.168.2.20:6443' });
    assert.equal(Systemd.unitName('/etc/systemd/system/k3s-agent.service'), 'k3s-agent.service');
    assert.equal(Systemd.unitName('k3s-agent'), 'k3s-agent.service');
  });

  it('derives what k3s can do from the raw lxc lines (Proxmox forum: k3s in LXC)', () => {
    assert.deepEqual(lxcPrerequisites(workerConfig()), { kmsg: true, memoryCgroup: true, proc: 'rw', procSysWritable: true, capDropCleared: true, nesting: true, keyctl: true, fuse: true, configError: undefined });
    const bare = lxcPrerequisites(workerConfig({ rawLxc: [], features: {} }));
    assert.deepEqual(bare, { kmsg: false, memoryCgroup: false, proc: 'mixed', procSysWritable: false, capDropCleared: false, nesting: false, keyctl: false, fuse: false, configError: undefined });
  });
});

describe('host keys (pve-container vzcreate: ssh-keygen -A equivalents)', () => {
  it('only hands out key pairs ssh2 can parse back, working around mscdex/ssh2#1390', async () => {
    const { generateHostKeys } = await import('../../../lab/guest/host-keys');
    const { utils } = await import('ssh2');
    for (let i = 0; i < 20; i += 1) {
      for (const key of generateHostKeys('k3s-worker-01').filter((k) => k.type === 'ed25519')) {
        assert.equal(utils.parseKey(key.privateKey) instanceof Error, false);
        assert.match(key.publicKey, /^ssh-ed25519 \S+ root@k3s-worker-01$/);
      }
    }
  });
});
