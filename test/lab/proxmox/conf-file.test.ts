import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configDigest, parsePctConfig, renderPctConfig } from '../../../lab/proxmox/guests/conf-file';

const STORY_CONF = `#k3s worker
arch: amd64
cores: 4
features: nesting=1,keyctl=1,fuse=1
hostname: k3s-worker-01
memory: 8192
ostype: ubuntu
rootfs: local-lvm:vm-102-disk-0,size=50G
lxc.apparmor.profile: unconfined
lxc.cgroup2.devices.allow: a
lxc.cap.drop:
lxc.mount.auto: "proc:rw sys:rw"
lxc.mount.entry: /dev/kmsg dev/kmsg none defaults,bind,create=file
`;

describe('conf-file (/etc/pve/lxc/VMID.conf)', () => {
  it('keeps raw lxc lines in file order, including an empty lxc.cap.drop (pve-container Config.pm parse_pct_config)', () => {
    const conf = parsePctConfig(STORY_CONF);
    assert.deepEqual(conf.lxc, [
      ['lxc.apparmor.profile', 'unconfined'],
      ['lxc.cgroup2.devices.allow', 'a'],
      ['lxc.cap.drop', ''],
      ['lxc.mount.auto', '"proc:rw sys:rw"'],
      ['lxc.mount.entry', '/dev/kmsg dev/kmsg none defaults,bind,create=file'],
    ]);
    assert.equal(conf.options.features, 'nesting=1,keyctl=1,fuse=1');
    assert.equal(conf.description, 'k3s worker\n');
  });

  it('writes the description as # lines, then sorted options, then raw lxc lines (write_pct_config)', () => {
    const text = renderPctConfig({ options: { memory: '512', arch: 'amd64' }, lxc: [['lxc.cap.drop', '']], description: 'hello' });
    assert.equal(text, '#hello\narch: amd64\nmemory: 512\nlxc.cap.drop: \n');
    // "$key: $value\n" leaves a trailing space after an empty value, so a hand-written `lxc.cap.drop:` gains one.
    assert.equal(renderPctConfig(parsePctConfig(STORY_CONF)), STORY_CONF.replace('lxc.cap.drop:\n', 'lxc.cap.drop: \n'));
  });

  it('accepts the older `lxc.key = value` form (parse_pct_config regex)', () => {
    assert.deepEqual(parsePctConfig('lxc.apparmor.profile = unconfined\n').lxc, [['lxc.apparmor.profile', 'unconfined']]);
  });

  it('stops at a snapshot section and ignores lines it cannot parse (parse_pct_config)', () => {
    const conf = parsePctConfig('memory: 512\nNot A Line\n[snap1]\nmemory: 1024\n');
    assert.deepEqual(conf.options, { memory: '512' });
  });

  it('digests the file bytes with sha1, as the API digest (Digest::SHA::sha1_hex($raw))', () => {
    assert.equal(configDigest('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    assert.match(configDigest('x'), /^[0-9a-f]{40}$/);
    assert.notEqual(configDigest('a\n'), configDigest('a\n\n'));
  });
});
