import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'ssh2';
import { run, sshAsRoot } from './ssh-client';
import { createWorker, startTestNode, type TestNode } from './test-node';
import { generateEd25519KeyPair } from '../../../lab/pki/ssh-keys';

describe('host-ssh (sshd on the Proxmox host)', () => {
  let t: TestNode;
  let root: Client;
  before(async () => {
    t = await startTestNode();
    root = await sshAsRoot(t);
  });
  after(async () => {
    root.end();
    await t.stop();
  });

  it('publishes an ed25519 host key and its OpenSSH SHA256 fingerprint', () => {
    assert.match(t.node.sshHostPublicKey, /^ssh-ed25519 AAAA/);
    assert.match(t.node.sshHostKeyFingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('refuses a key that is not in root\'s authorized keys', async () => {
    const stranger = generateEd25519KeyPair();
    await assert.rejects(sshAsRoot(t, stranger.private), /All configured authentication methods failed/);
  });

  it('runs exec commands in a shell with pipes, and answers 127 "bash: line 1: x: command not found"', async () => {
    assert.deepEqual(await run(root, 'hostname; pveversion | cut -d/ -f1-2'), { stdout: 'pve\npve-manager/8.4.1\n', stderr: '', code: 0 });
    assert.deepEqual(await run(root, 'kubectl get nodes'), { stdout: '', stderr: 'bash: line 1: kubectl: command not found\n', code: 127 });
    assert.equal((await run(root, 'exit 3')).code, 3);
  });

  it("runs the script sent on stdin for a bare `bash -s` / `sh`, as `ssh root@pve 'bash -s' < script` does (bash(1) -s)", async () => {
    const script = 'echo "$(hostname) $1"\ncat > /root/from-stdin.txt <<EOF\nwritten\nEOF\nexit 4\n';
    assert.deepEqual(await run(root, 'bash -s -- first', script), { stdout: 'pve first\n', stderr: '', code: 4 });
    assert.deepEqual(await run(root, 'sh', 'cat /root/from-stdin.txt\n'), { stdout: 'written\n', stderr: '', code: 0 });
    // -e applies to the script as it would to bash reading stdin.
    assert.deepEqual(await run(root, '/bin/bash -es', 'false\necho not reached\n'), { stdout: '', stderr: '', code: 1 });
    // With -c the command line is the script and stdin is left alone.
    assert.deepEqual(await run(root, 'bash -c "echo inline"', 'echo ignored\n'), { stdout: 'inline\n', stderr: '', code: 0 });
  });

  it('edits /etc/pve/lxc/VMID.conf from a `bash -s` script and the API sees the change', async () => {
    await createWorker(t);
    const r = await run(root, 'bash -s', "printf 'lxc.apparmor.profile: unconfined\\n' >> /etc/pve/lxc/102.conf\npct config 102 | grep apparmor\n");
    assert.deepEqual(r, { stdout: 'lxc.apparmor.profile: unconfined\n', stderr: '', code: 0 });
    assert.deepEqual((await t.api('/nodes/pve/lxc/102/config')).json.data.lxc, [['lxc.apparmor.profile', 'unconfined']]);
  });

  it('forwards direct-tcpip (ssh -J) to an address on the virtual network', async () => {
    const echo = net.createServer((s) => s.on('data', (d) => s.end(`echo:${d}`)));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
    const close = t.network.expose('192.168.2.21', 22, (echo.address() as net.AddressInfo).port);
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        root.forwardOut('127.0.0.1', 0, '192.168.2.21', 22, (err, stream) => {
          if (err) return reject(err);
          let data = '';
          stream.on('data', (d: Buffer) => (data += d)).on('close', () => resolve(data));
          stream.end('hello');
        });
      });
      assert.equal(reply, 'echo:hello');
    } finally {
      close();
      echo.close();
    }
  });

  it('refuses direct-tcpip to anything the virtual network does not serve (SSH_OPEN_CONNECT_FAILED, RFC 4254 5.1)', async () => {
    for (const [host, port] of [['192.168.2.99', 22], ['127.0.0.1', t.node.apiPort]] as const) {
      const error = await new Promise<Error | undefined>((resolve) => root.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
        stream?.end();
        resolve(err);
      }));
      assert.ok(error, `expected ${host}:${port} to be refused`);
      assert.match(error.message, /Channel open failure/);
      assert.equal((error as Error & { reason?: number }).reason, 2, 'reason code 2 = SSH_OPEN_CONNECT_FAILED');
    }
  });
});
