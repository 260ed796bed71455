import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { proxmoxApi } from 'proxmox-api';
import { Agent, fetch as undiciFetch } from 'undici';
import { run, sshAsRoot } from './ssh-client';
import { startTestNode, TOKEN_ID, TOKEN_SECRET, WORKER_CREATE, type TestNode } from './test-node';

describe('end to end: the story with the real proxmox-api client and a real SSH client', () => {
  let t: TestNode;
  let dispatcher: Agent;
  before(async () => {
    t = await startTestNode();
    dispatcher = new Agent({ connect: { ca: t.node.caPem } });
  });
  after(async () => {
    await dispatcher.close();
    await t.stop();
  });

  it('creates CT 102 with a token, waits for vzcreate, sets features and raw lxc lines over SSH, and reads them back', async () => {
    const url = new URL(t.node.apiUrl);
    const pinnedFetch = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
      undiciFetch(input, { ...init, dispatcher })) as unknown as typeof undiciFetch;
    const proxmox = proxmoxApi({ host: url.hostname, port: Number(url.port), tokenID: TOKEN_ID, tokenSecret: TOKEN_SECRET, fetch: pinnedFetch } as never);
    const node = proxmox.nodes.$(t.node.nodeName);

    const templates = await node.storage.$('local').content.$get({ content: 'vztmpl' });
    assert.ok(templates.some((v) => v.volid === WORKER_CREATE.ostemplate));
    const vmid = Number(await proxmox.cluster.nextid.$get({ vmid: 102 }));
    assert.equal(vmid, 102);

    const upid = await node.lxc.$post({ ...WORKER_CREATE, vmid, cores: 4, memory: 8192, swap: 512, unprivileged: false });
    const deadline = Date.now() + 5000;
    let status = await node.tasks.$(upid).status.$get();
    while (status.status !== 'stopped') {
      assert.ok(Date.now() < deadline, `vzcreate still ${status.status} after 5000ms`);
      await new Promise((resolve) => setImmediate(resolve));
      status = await node.tasks.$(upid).status.$get();
    }
    assert.equal(status.exitstatus, 'OK');

    // The token may not set keyctl: proxmox-api surfaces the 403 with the real reason phrase.
    await assert.rejects(node.lxc.$(vmid).config.$put({ features: 'nesting=1,keyctl=1,fuse=1' }), /403 Permission check failed \(changing feature flags for privileged container is only allowed for root@pam\)/);

    const root = await sshAsRoot(t);
    try {
      const result = await run(root, [
        `pct set ${vmid} --features nesting=1,keyctl=1,fuse=1`,
        `cat >> /etc/pve/lxc/${vmid}.conf <<EOF`,
        'lxc.apparmor.profile: unconfined',
        'lxc.cgroup2.devices.allow: a',
        'lxc.cap.drop:',
        'lxc.mount.auto: "proc:rw sys:rw"',
        'lxc.mount.entry: /dev/kmsg dev/kmsg none defaults,bind,create=file',
        'EOF',
      ].join('\n'));
      assert.deepEqual(result, { stdout: '', stderr: '', code: 0 });
    } finally {
      root.end();
    }

    const config = (await node.lxc.$(vmid).config.$get()) as Record<string, unknown>;
    assert.equal(config.features, 'nesting=1,keyctl=1,fuse=1');
    assert.equal(config.hostname, 'k3s-worker-01');
    assert.deepEqual(config.lxc, [
      ['lxc.apparmor.profile', 'unconfined'],
      ['lxc.cgroup2.devices.allow', 'a'],
      ['lxc.cap.drop', ''],
      ['lxc.mount.auto', '"proc:rw sys:rw"'],
      ['lxc.mount.entry', '/dev/kmsg dev/kmsg none defaults,bind,create=file'],
    ]);

    const start = await node.lxc.$(vmid).status.start.$post();
    assert.match(start, /:vzstart:102:root@pam!acceptance:$/);
    await assert.rejects(node.lxc.$(vmid).config.$put({ memory: 16, digest: 'f'.repeat(40) }), /500 detected modified configuration/);
  });
});
