import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLES } from '../../../lab/proxmox';
import { ALL_PRIVILEGES } from '../../../lab/proxmox/access/privileges';
import { LIMITED_SECRET, LIMITED_TOKEN_ID, ROOT_PASSWORD, startTestNode, type TestNode } from './test-node';

const TOP_LEVEL = ['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms'];
const SEPARATED = { id: 'root@pam!suite', secret: '22222222-3333-4444-8555-666666666666' };
const ONE_CT = { id: 'root@pam!one-ct', secret: '33333333-4444-4555-8666-777777777777' };

/** 1 for each privilege, as the answer maps a privilege that propagates. */
const flags = (privileges: readonly string[], flag: 0 | 1 = 1) => Object.fromEntries(privileges.map((p) => [p, flag]));

/**
 * GET /access/permissions as PVE 8 answers it (pve-access-control API2/AccessControl.pm `permissions`,
 * RPCEnvironment.pm `permissions` and get_effective_permissions), for root@pam, a token without privilege
 * separation, and privilege-separated tokens whose ACL entries sit on several paths.
 */
describe('GET /access/permissions', () => {
  let t: TestNode;
  before(async () => {
    t = await startTestNode();
    // A least-privilege token as `pveum acl modify` would make it: roles on the paths the story touches.
    t.node.addApiToken({
      tokenId: SEPARATED.id,
      secret: SEPARATED.secret,
      privileges: [
        { path: '/vms', privileges: ROLES.PVEVMAdmin },
        { path: '/storage/local-lvm', privileges: ROLES.PVEDatastoreUser, propagate: false },
        { path: '/sdn/zones/localnetwork/vmbr0', privileges: ROLES.PVESDNUser },
      ],
    });
    t.node.addApiToken({
      tokenId: ONE_CT.id,
      secret: ONE_CT.secret,
      privileges: [
        { path: '/', privileges: ['Sys.Audit', 'VM.Audit'] },
        { path: '/vms/102', privileges: ['VM.PowerMgmt'] },
        { path: '/nodes', privileges: ['Sys.Console'], propagate: false },
      ],
    });
  });
  after(() => t.stop());

  const as = (token: { id: string; secret: string }) => `${token.id}=${token.secret}`;

  it('maps every PVE 8 privilege to 1 on each top-level path for a token of root@pam without privilege separation', async () => {
    const r = await t.api('/access/permissions');
    assert.equal(r.status, 200);
    // The top-level paths, and every path the ACL tree names for anyone (here the other tokens' entries).
    const aclPaths = ['/nodes', '/sdn/zones/localnetwork/vmbr0', '/storage/local-lvm', '/vms/102'];
    assert.deepEqual(Object.keys(r.json.data).sort(), [...new Set([...TOP_LEVEL, ...aclPaths])].sort());
    for (const path of Object.keys(r.json.data)) assert.deepEqual(r.json.data[path], flags(ALL_PRIVILEGES), path);
    assert.equal(r.json.data['/vms']['VM.Allocate'], 1);
    assert.equal(r.json.data['/']['VM.Config.HWType'], 1);
    // PVE 9 privileges are not PVE 8's (AccessControl.pm $privgroups on stable-bookworm).
    assert.equal(r.json.data['/']['VM.GuestAgent.Audit'], undefined);
  });

  it('answers root@pam, by ticket, the same as its token without privilege separation', async () => {
    const login = await t.api('/access/ticket', { method: 'POST', form: { username: 'root@pam', password: ROOT_PASSWORD }, token: null });
    const cookie = `PVEAuthCookie=${encodeURIComponent(login.json.data.ticket)}`;
    const byTicket = await t.api('/access/permissions', { token: null, headers: { Cookie: cookie } });
    const byToken = await t.api('/access/permissions');
    assert.equal(byTicket.status, 200);
    assert.deepEqual(byTicket.json.data, byToken.json.data);
  });

  it('lists for a privilege-separated token only the paths where it holds something, with 0 where an entry does not propagate', async () => {
    const r = await t.api('/access/permissions', { token: as(SEPARATED) });
    assert.equal(r.status, 200);
    // '/', '/nodes', '/storage' ... hold nothing for it and are left out; '/vms/102', named by another token's entry,
    // is listed with what this one inherits there.
    assert.deepEqual(Object.keys(r.json.data).sort(), ['/sdn/zones/localnetwork/vmbr0', '/storage/local-lvm', '/vms', '/vms/102']);
    assert.deepEqual(r.json.data['/vms/102'], flags(ROLES.PVEVMAdmin));
    assert.deepEqual(r.json.data['/vms'], flags(ROLES.PVEVMAdmin));
    assert.deepEqual(r.json.data['/storage/local-lvm'], { 'Datastore.AllocateSpace': 0, 'Datastore.Audit': 0 });
    assert.deepEqual(r.json.data['/sdn/zones/localnetwork/vmbr0'], { 'SDN.Use': 1, 'SDN.Audit': 1 });
  });

  it('answers path= with that path alone: inherited from a propagating entry above, or {} when nothing holds there', async () => {
    const vm = await t.api('/access/permissions?path=/vms/102', { token: as(SEPARATED) });
    assert.deepEqual(vm.json.data, { '/vms/102': flags(ROLES.PVEVMAdmin) });
    const template = await t.api('/access/permissions?path=/storage/local', { token: as(SEPARATED) });
    assert.deepEqual(template.json.data, { '/storage/local': {} });
    const root = await t.api('/access/permissions?path=/', { token: as(SEPARATED) });
    assert.deepEqual(root.json.data, { '/': {} });
  });

  it('lets a deeper entry replace what propagates from above, and keeps a non-propagating one on its own path (AccessControl.pm roles)', async () => {
    const at = async (path: string) => (await t.api(`/access/permissions?path=${encodeURIComponent(path)}`, { token: as(ONE_CT) })).json.data[path];
    assert.deepEqual(await at('/vms/102'), { 'VM.PowerMgmt': 1 });
    assert.deepEqual(await at('/vms/103'), { 'Sys.Audit': 1, 'VM.Audit': 1 });
    assert.deepEqual(await at('/nodes'), { 'Sys.Console': 0 });
    assert.deepEqual(await at('/nodes/pve'), { 'Sys.Audit': 1, 'VM.Audit': 1 });
  });

  it('needs Sys.Audit on /access to read another user\'s permissions, but not a user\'s own tokens\'', async () => {
    const refused = await t.api('/access/permissions?userid=root@pam', { token: as(SEPARATED) });
    assert.equal(refused.status, 403);
    assert.equal(refused.statusText, 'Permission check failed (/access, Sys.Audit)');
    const auditor = await t.api('/access/permissions?userid=root@pam&path=/vms', { token: `${LIMITED_TOKEN_ID}=${LIMITED_SECRET}` });
    assert.equal(auditor.status, 200);
    assert.deepEqual(auditor.json.data, { '/vms': flags(ALL_PRIVILEGES) });
    const own = await t.api(`/access/permissions?userid=${encodeURIComponent(SEPARATED.id)}&path=/vms`, { token: as(SEPARATED) });
    assert.equal(own.status, 200);
    const login = await t.api('/access/ticket', { method: 'POST', form: { username: 'root@pam', password: ROOT_PASSWORD }, token: null });
    const owned = await t.api(`/access/permissions?userid=${encodeURIComponent(SEPARATED.id)}&path=/storage/local-lvm`, {
      token: null,
      headers: { Cookie: `PVEAuthCookie=${encodeURIComponent(login.json.data.ticket)}` },
    });
    assert.deepEqual(owned.json.data, { '/storage/local-lvm': { 'Datastore.AllocateSpace': 0, 'Datastore.Audit': 0 } });
  });

  it('refuses a malformed userid and unknown parameters with 400 Parameter verification failed', async () => {
    const r = await t.api('/access/permissions?userid=root&depth=2');
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.errors, {
      userid: 'value does not match the regex pattern',
      depth: 'property is not defined in schema and the schema does not allow additional properties',
    });
  });

  it('answers an unknown user or token with nothing held, and counts as no write', async () => {
    const writes = t.node.writeCount();
    const r = await t.api('/access/permissions?userid=nobody@pve!gone');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.data, {});
    assert.equal(t.node.writeCount(), writes);
  });

  it('holds the checks create makes to what it lists: no SDN.Use on the bridge, no CT', async () => {
    const token = { id: 'root@pam!no-sdn', secret: '44444444-5555-4666-8777-888888888888' };
    t.node.addApiToken({ tokenId: token.id, secret: token.secret, privileges: [...ROLES.PVEVMAdmin, ...ROLES.PVEDatastoreUser] });
    const listed = await t.api('/access/permissions?path=/sdn/zones/localnetwork/vmbr0', { token: as(token) });
    // A role on / lists all its privileges on every path, the bridge's too; SDN.Use is not among them.
    assert.equal(listed.json.data['/sdn/zones/localnetwork/vmbr0']['VM.Allocate'], 1);
    assert.equal(listed.json.data['/sdn/zones/localnetwork/vmbr0']['SDN.Use'], undefined);
    const create = await t.api('/nodes/pve/lxc', {
      method: 'POST',
      token: as(token),
      form: { vmid: '150', ostemplate: 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst', net0: 'name=eth0,bridge=vmbr0,ip=dhcp', rootfs: 'local-lvm:8' },
    });
    assert.equal(create.status, 403);
    assert.equal(create.statusText, 'Permission check failed (/sdn/zones/localnetwork/vmbr0, SDN.Use)');
    assert.equal(t.node.containers.has(150), false);
  });
});
