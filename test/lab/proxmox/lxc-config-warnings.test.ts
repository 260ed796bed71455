import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lxcConfigWarnings } from '../../../lab/proxmox/guests/lxc-config-warnings';
import { useNodeWithRoot } from './node-with-root';
import { run } from './ssh-client';
import { createWorker } from './test-node';

/** The story's five raw lines, as the suite applies them with pct set / the conf file. */
const STORY_LXC: Array<[string, string]> = [
  ['lxc.apparmor.profile', 'unconfined'],
  ['lxc.cgroup2.devices.allow', 'a'],
  ['lxc.cap.drop', ''],
  ['lxc.mount.auto', 'proc:rw sys:rw'],
  ['lxc.mount.entry', '/dev/kmsg dev/kmsg none bind,rw,optional,create=file'],
];

describe('what update_lxc_config warns about at start (pve-container LXC.pm make_apparmor_config, make_seccomp_config)', () => {
  it('names fuse and nesting as overridden by an explicit lxc.apparmor.profile, in make_apparmor_config\'s order', () => {
    assert.deepEqual(lxcConfigWarnings({ options: { features: 'nesting=1,keyctl=1,fuse=1' }, lxc: STORY_LXC }), [
      'explicitly configured lxc.apparmor.profile overrides the following settings: features:fuse, features:nesting',
    ]);
    assert.deepEqual(lxcConfigWarnings({ options: { features: 'mount=nfs;cifs' }, lxc: [['lxc.apparmor.profile', 'unconfined']] }), [
      'explicitly configured lxc.apparmor.profile overrides the following settings: features:mount',
    ]);
  });

  it('says nothing without a raw profile, or without the features it would override', () => {
    assert.deepEqual(lxcConfigWarnings({ options: { features: 'nesting=1,keyctl=1,fuse=1' }, lxc: [] }), []);
    assert.deepEqual(lxcConfigWarnings({ options: { features: 'keyctl=1' }, lxc: [['lxc.apparmor.profile', 'unconfined']] }), []);
  });

  it('names keyctl and mknod as overridden by an explicit lxc.seccomp.profile', () => {
    assert.deepEqual(lxcConfigWarnings({ options: { features: 'keyctl=1,mknod=1' }, lxc: [['lxc.seccomp.profile', '']] }), [
      'explicitly configured lxc.seccomp.profile overrides the following settings: keyctl, mknod',
    ]);
  });
});

describe('the start of the story\'s container', () => {
  const env = useNodeWithRoot(async ({ t, root }) => {
    await createWorker(t);
    const lines = STORY_LXC.map(([key, value]) => `${key}: ${value}`.trimEnd()).join('\\n');
    await run(root, `pct set 102 --features nesting=1,keyctl=1,fuse=1 && printf '${lines}\\n' >> /etc/pve/lxc/102.conf`);
  });

  it('logs the apparmor override as a plain line and still ends TASK OK (a Perl warn, not log_warn: RESTEnvironment.pm counts only the latter)', async () => {
    const r = await env.t.api('/nodes/pve/lxc/102/status/start', { method: 'POST' });
    assert.equal((await env.t.waitTask(r.json.data)).exitstatus, 'OK');
    const log = (await env.t.api(`/nodes/pve/tasks/${encodeURIComponent(r.json.data)}/log`)).json.data.map((l: { t: string }) => l.t);
    assert.deepEqual(log, ['explicitly configured lxc.apparmor.profile overrides the following settings: features:fuse, features:nesting', 'TASK OK']);
  });

  it('prints it on stderr for `pct start`, exit 0', async () => {
    await run(env.root, 'pct stop 102');
    assert.deepEqual(await run(env.root, 'pct start 102'), {
      stdout: '',
      stderr: 'explicitly configured lxc.apparmor.profile overrides the following settings: features:fuse, features:nesting\n',
      code: 0,
    });
  });
});
