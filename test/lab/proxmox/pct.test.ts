import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'ssh2';
import { run, sshAsRoot } from './ssh-client';
import { createWorker, startTestNode, type TestNode } from './test-node';

describe('pct and /etc/pve/lxc on the host (pve-container src/PVE/CLI/pct.pm)', () => {
  let t: TestNode;
  let root: Client;
  before(async () => {
    t = await startTestNode();
    await createWorker(t);
    root = await sshAsRoot(t);
  });
  after(async () => {
    root.end();
    await t.stop();
  });

  it('sets keyctl and fuse as root, which an API token may not (pct set runs update_vm as root@pam)', async () => {
    const before = t.node.writeCount();
    assert.deepEqual(await run(root, 'pct set 102 --features nesting=1,keyctl=1,fuse=1 --onboot 1'), { stdout: '', stderr: '', code: 0 });
    assert.equal(t.node.writeCount(), before + 1);
    const c = (await t.api('/nodes/pve/lxc/102/config')).json.data;
    assert.equal(c.features, 'nesting=1,keyctl=1,fuse=1');
    assert.equal(c.onboot, 1);
  });

  it('appends raw lxc lines with a heredoc, echo >> and tee -a, and the API shows them in order', async () => {
    const script = [
      "cat >> /etc/pve/lxc/102.conf <<'EOF'",
      'lxc.apparmor.profile: unconfined',
      'lxc.cgroup2.devices.allow: a',
      'EOF',
      "echo 'lxc.cap.drop:' >> /etc/pve/lxc/102.conf",
      `echo 'lxc.mount.auto: "proc:rw sys:rw"' | tee -a /etc/pve/lxc/102.conf > /dev/null`,
    ].join('\n');
    assert.equal((await run(root, script)).code, 0);
    const c = (await t.api('/nodes/pve/lxc/102/config')).json.data;
    assert.deepEqual(c.lxc, [
      ['lxc.apparmor.profile', 'unconfined'],
      ['lxc.cgroup2.devices.allow', 'a'],
      ['lxc.cap.drop', ''],
      ['lxc.mount.auto', '"proc:rw sys:rw"'],
    ]);
  });

  it('applies sed -i edits to the conf file', async () => {
    assert.equal((await run(root, "sed -i 's/^memory: .*/memory: 4096/' /etc/pve/lxc/102.conf")).code, 0);
    assert.equal((await t.api('/nodes/pve/lxc/102/config')).json.data.memory, 4096);
  });

  it('shows API changes in the file, and prints pct config as sorted key: value lines then raw lxc lines', async () => {
    await t.api('/nodes/pve/lxc/102/config', { method: 'PUT', form: { swap: '1024' } });
    assert.match((await run(root, 'grep ^swap /etc/pve/lxc/102.conf')).stdout, /^swap: 1024$/m);
    const { stdout } = await run(root, 'pct config 102');
    const lines = stdout.trimEnd().split('\n');
    assert.deepEqual(lines.slice(-4), ['lxc.apparmor.profile: unconfined', 'lxc.cgroup2.devices.allow: a', 'lxc.cap.drop: ', 'lxc.mount.auto: "proc:rw sys:rw"']);
    const keys = lines.slice(0, -4).map((l) => l.split(':')[0]);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(lines.includes('features: nesting=1,keyctl=1,fuse=1'));
    assert.ok(!stdout.includes('digest'));
  });

  it('applies a hand edit made earlier on the same command line before pct reads the file', async () => {
    await run(root, "echo 'lxc.mount.entry: /dev/kmsg dev/kmsg none defaults,bind,create=file' >> /etc/pve/lxc/102.conf && pct set 102 --cores 2");
    const c = (await t.api('/nodes/pve/lxc/102/config')).json.data;
    assert.equal(c.cores, 2);
    assert.deepEqual(c.lxc.at(-1), ['lxc.mount.entry', '/dev/kmsg dev/kmsg none defaults,bind,create=file']);
  });

  it('starts, reports status, runs pct exec with exit codes passed through, and stops', async () => {
    assert.deepEqual(await run(root, 'pct exec 102 -- cat /etc/hostname'), { stdout: '', stderr: "container '102' not running!\n", code: 255 });
    assert.equal((await run(root, 'pct start 102')).code, 0);
    assert.equal((await run(root, 'pct status 102')).stdout, 'status: running\n');
    assert.deepEqual(await run(root, 'pct exec 102 -- cat /etc/hostname'), { stdout: 'k3s-worker-01\n', stderr: '', code: 0 });
    assert.deepEqual(await run(root, 'pct exec 102 -- false now'), { stdout: '', stderr: 'boom\n', code: 3 });
    await run(root, "pct exec 102 -- bash -c 'echo hi there'");
    assert.equal(t.runtime.execs.at(-1)!.command, "bash -c 'echo hi there'");
    assert.deepEqual(await run(root, 'pct start 102'), { stdout: '', stderr: 'CT 102 already running\n', code: 255 });
    assert.match((await run(root, 'pct list')).stdout, /^VMID\s+Status\s+Lock\s+Name\s*\n102\s+running\s+k3s-worker-01/);
    assert.equal((await run(root, 'pct stop 102')).code, 0);
    assert.equal((await run(root, 'pct status 102')).stdout, 'status: stopped\n');
  });

  it('refuses pct set on a locked CT with "CT is locked (create)" and exit 255 (CLIHandler exits -1)', async () => {
    const text = t.node.containers.text(102)!;
    t.node.containers.writeText(102, `${text}lock: create\n`);
    assert.deepEqual(await run(root, 'pct set 102 --memory 1024'), { stdout: '', stderr: 'CT is locked (create)\n', code: 255 });
    t.node.containers.writeText(102, text);
  });

  it('prints "trying to acquire lock..." and the lock timeout when pct set cannot get the config lock (lock_file_full, exit 255)', async () => {
    t.node.faults.lockTimeouts(102);
    assert.deepEqual(await run(root, 'pct set 102 --memory 1024'), {
      stdout: '',
      stderr: "trying to acquire lock...\ncan't lock file '/run/lock/lxc/pve-config-102.lock' - got timeout\n",
      code: 255,
    });
  });

  it('reports parameter errors the way the CLI does (400 + per-option lines, exit 255)', async () => {
    const r = await run(root, 'pct set 102 --memory 8');
    assert.equal(r.code, 255);
    assert.match(r.stderr, /^400 Parameter verification failed\.\nmemory: value must have a minimum value of 16\n/);
  });

  it('does not count read-only host commands as writes', async () => {
    const before = t.node.writeCount();
    await run(root, 'pct config 102; cat /etc/pve/lxc/102.conf; pct list; pveversion');
    assert.equal(t.node.writeCount(), before);
  });
});
