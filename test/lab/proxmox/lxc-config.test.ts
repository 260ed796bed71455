import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWorker, startTestNode, type TestNode } from './test-node';

describe('lxc-config (GET/PUT /nodes/{node}/lxc/{vmid}/config, pve-container API2/LXC/Config.pm)', () => {
  let t: TestNode;
  before(async () => {
    t = await startTestNode();
    await createWorker(t, { unprivileged: '1' });
  });
  after(() => t.stop());

  const put = (form: Record<string, string>) => t.api('/nodes/pve/lxc/102/config', { method: 'PUT', form });

  it('types numbers and booleans, and lists raw lxc lines as [key, value] pairs (parse_pct_config check_type)', async () => {
    const text = t.node.containers.text(102)!;
    t.node.containers.writeText(102, `${text}lxc.apparmor.profile: unconfined\nlxc.cap.drop:\n`);
    const c = (await t.api('/nodes/pve/lxc/102/config')).json.data;
    assert.equal(c.unprivileged, 1);
    assert.equal(c.swap, 512);
    assert.deepEqual(c.lxc, [['lxc.apparmor.profile', 'unconfined'], ['lxc.cap.drop', '']]);
  });

  it('applies a PUT synchronously and answers data null', async () => {
    const r = await put({ memory: '4096', description: 'k3s worker' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { data: null });
    const c = (await t.api('/nodes/pve/lxc/102/config')).json.data;
    assert.equal(c.memory, 4096);
    assert.equal(c.description, 'k3s worker\n');
    assert.match(t.node.containers.text(102)!, /^#k3s worker\n/);
  });

  it('refuses a PUT with a stale digest (PVE::Tools::assert_if_modified)', async () => {
    const r = await put({ memory: '2048', digest: '0000000000000000000000000000000000000000' });
    assert.equal(r.status, 500);
    assert.equal(r.statusText, 'detected modified configuration - file changed by other user? Try again.');
  });

  it('accepts the current digest and deletes options listed in `delete`', async () => {
    const { digest } = (await t.api('/nodes/pve/lxc/102/config')).json.data;
    assert.equal((await put({ digest, delete: 'nameserver' })).status, 200);
    assert.equal((await t.api('/nodes/pve/lxc/102/config')).json.data.nameserver, undefined);
    const bad = await put({ delete: 'colour' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json.errors, { delete: "unknown option 'colour'" });
  });

  it('lets a token set nesting alone on an unprivileged CT but not keyctl (check_ct_modify_config_perm)', async () => {
    assert.equal((await put({ features: 'nesting=1' })).status, 200);
    const r = await put({ features: 'nesting=1,keyctl=1' });
    assert.equal(r.status, 403);
    assert.equal(r.statusText, 'Permission check failed (changing feature flags (except nesting) is only allowed for root@pam)');
  });

  it('answers 500 "Configuration file ... does not exist" for a missing CT (load_config)', async () => {
    const r = await t.api('/nodes/pve/lxc/999/config');
    assert.equal(r.status, 500);
    assert.equal(r.statusText, "Configuration file 'nodes/pve/lxc/999.conf' does not exist");
  });

  it('refuses a PUT while the CT is locked (check_lock)', async () => {
    const text = t.node.containers.text(102)!;
    t.node.containers.writeText(102, `${text}lock: backup\n`);
    const r = await put({ memory: '1024' });
    assert.equal(r.status, 500);
    assert.equal(r.statusText, 'CT is locked (backup)');
    t.node.containers.writeText(102, text);
  });
});
