import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROLES } from '../../../lab/proxmox';
import { useNodeWithRoot } from './node-with-root';
import { run } from './ssh-client';
import { createWorker } from './test-node';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const as = (tokenId: string, secret: string) => `${tokenId}=${secret}`;

/**
 * Users, API tokens, ACLs and roles as pve-access-control keeps them (src/PVE/API2/User.pm, ACL.pm, Role.pm,
 * AccessControl.pm, RPCEnvironment.pm), through the API and through pveum on the node's root shell (CLI/pveum.pm,
 * pve-common CLIFormatter.pm).
 */
describe('access control (users, tokens, ACLs, roles)', () => {
  const env = useNodeWithRoot();
  const pveum = (args: string) => run(env.root, `pveum ${args}`);
  /** A new token of `userid` (made by root@pam through the API), its full id and secret. */
  const newToken = async (userid: string, tokenid: string, privsep = '1') => {
    const r = await env.t.api(`/access/users/${encodeURIComponent(userid)}/token/${tokenid}`, { method: 'POST', form: { privsep } });
    assert.equal(r.status, 200, r.text);
    return { id: r.json.data['full-tokenid'] as string, secret: r.json.data.value as string };
  };
  const grant = (path: string, form: Record<string, string>) => env.t.api('/access/acl', { method: 'PUT', form: { path, ...form } });

  it('creates a user (POST /access/users) and refuses it twice: "create user failed: user \'ci@pve\' already exists" (User.pm create_user)', async () => {
    assert.deepEqual((await env.t.api('/access/users', { method: 'POST', form: { userid: 'ci@pve', comment: 'CI runner' } })).json, { data: null });
    const users = (await env.t.api('/access/users')).json.data;
    assert.deepEqual(users.find((u: { userid: string }) => u.userid === 'ci@pve'), { enable: 1, expire: 0, comment: 'CI runner', 'realm-type': 'pve', userid: 'ci@pve' });
    const again = await env.t.api('/access/users', { method: 'POST', form: { userid: 'ci@pve' } });
    assert.equal(again.status, 500);
    assert.equal(again.json.message, "create user failed: user 'ci@pve' already exists\n");
    const bad = await env.t.api('/access/users', { method: 'POST', form: { userid: 'ci-runner' } });
    assert.deepEqual(bad.json.errors, { userid: "invalid format - value 'ci-runner' does not look like a valid user name\n" });
  });

  it('generates a token whose secret is answered once and authenticates (User.pm generate_token), lists and deletes it', async () => {
    const r = await env.t.api('/access/users/ci@pve/token/suite', { method: 'POST', form: { comment: 'nightly' } });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json.data).sort(), ['full-tokenid', 'info', 'value']);
    assert.deepEqual(r.json.data.info, { privsep: 1, comment: 'nightly' });
    assert.equal(r.json.data['full-tokenid'], 'ci@pve!suite');
    assert.match(r.json.data.value, UUID);
    assert.equal((await env.t.api('/version', { token: as('ci@pve!suite', r.json.data.value) })).status, 200);
    assert.deepEqual((await env.t.api('/access/users/ci@pve/token')).json.data, [{ privsep: 1, comment: 'nightly', tokenid: 'suite' }]);
    const twice = await env.t.api('/access/users/ci@pve/token/suite', { method: 'POST' });
    assert.deepEqual([twice.status, twice.json.errors], [400, { tokenid: 'Token already exists.' }]);
    // A token is not root@pam: for a user that does not exist its checks fail before the code says so.
    const stranger = await env.t.api('/access/users/nobody@pve/token/suite', { method: 'POST' });
    assert.deepEqual([stranger.status, stranger.json.message], [403, 'Permission check failed\n']);
    assert.deepEqual(await pveum('user token add nobody@pve suite'), { stdout: '', stderr: "no such user ('nobody@pve')\n", code: 255 });
    assert.deepEqual((await env.t.api('/access/users/ci@pve/token/suite', { method: 'DELETE' })).json, { data: null });
    assert.equal((await env.t.api('/version', { token: as('ci@pve!suite', r.json.data.value) })).status, 401);
  });

  it('sets and removes ACL entries with PUT /access/acl and lists them with GET /access/acl (ACL.pm update_acl, read_acl)', async () => {
    const token = await newToken('ci@pve', 'acl');
    assert.equal((await grant('/vms', { tokens: token.id, roles: 'PVEVMAdmin' })).status, 200);
    assert.equal((await grant('//storage/local-lvm/', { tokens: token.id, roles: 'PVEDatastoreUser', propagate: '0' })).status, 200);
    const lines = (await env.t.api('/access/acl')).json.data.filter((l: { ugid: string }) => l.ugid === token.id);
    assert.deepEqual(lines, [
      { path: '/storage/local-lvm', type: 'token', ugid: 'ci@pve!acl', roleid: 'PVEDatastoreUser', propagate: 0 },
      { path: '/vms', type: 'token', ugid: 'ci@pve!acl', roleid: 'PVEVMAdmin', propagate: 1 },
    ]);
    await grant('/vms', { tokens: token.id, roles: 'PVEVMAdmin', delete: '1' });
    assert.equal((await env.t.api('/access/acl')).json.data.filter((l: { ugid: string }) => l.ugid === token.id).length, 1);
  });

  it('refuses an ACL change without members, for an unknown role or on a path PVE has no ACLs for', async () => {
    const required = "either 'users', 'groups' or 'tokens' is required.";
    assert.deepEqual((await grant('/vms', { roles: 'PVEVMAdmin' })).json.errors, { users: required, groups: required, tokens: required });
    const role = await grant('/vms', { users: 'ci@pve', roles: 'VMAdmin' });
    assert.deepEqual([role.status, role.json.message], [500, "ACL update failed: role 'VMAdmin' does not exist\n"]);
    const user = await grant('/vms', { users: 'nobody@pve', roles: 'PVEVMAdmin' });
    assert.equal(user.json.message, "ACL update failed: user 'nobody@pve' does not exist\n");
    assert.deepEqual((await grant('/qemu/100', { users: 'ci@pve', roles: 'PVEVMAdmin' })).json.errors, { path: "invalid ACL path '/qemu/100'" });
  });

  it('lists the built-in roles with their privileges, all `special` (Role.pm index)', async () => {
    const roles = (await env.t.api('/access/roles')).json.data;
    const vmAdmin = roles.find((r: { roleid: string }) => r.roleid === 'PVEVMAdmin');
    assert.deepEqual(vmAdmin, { roleid: 'PVEVMAdmin', privs: [...ROLES.PVEVMAdmin].sort().join(','), special: 1 });
    assert.ok(roles.some((r: { roleid: string }) => r.roleid === 'NoAccess'));
  });

  it('gives a separated token of a user other than root@pam only what its user holds too (RPCEnvironment.pm permissions)', async () => {
    await env.t.api('/access/users', { method: 'POST', form: { userid: 'ops@pve' } });
    const token = await newToken('ops@pve', 'narrow');
    await grant('/', { users: 'ops@pve', roles: 'PVEAuditor' });
    await grant('/vms', { tokens: token.id, roles: 'PVEVMAdmin' });
    const held = (await env.t.api('/access/permissions?path=/vms/102', { token: as(token.id, token.secret) })).json.data['/vms/102'];
    assert.deepEqual(held, { 'VM.Audit': 1 });
    // Without privilege separation a token holds exactly its user's.
    const full = await newToken('ops@pve', 'full', '0');
    const fullHeld = (await env.t.api('/access/permissions?path=/vms/102', { token: as(full.id, full.secret) })).json.data['/vms/102'];
    assert.deepEqual(Object.keys(fullHeld).sort(), [...ROLES.PVEAuditor].sort());
  });

  it('a token without Sys.Audit on /nodes/pve sees no maxmem, maxcpu, mem in GET /nodes (pve-manager API2/Nodes.pm index, API2Tools.pm extract_node_stats)', async () => {
    const token = await newToken('root@pam', 'vms-only');
    await grant('/vms', { tokens: token.id, roles: 'PVEVMAdmin' });
    const [node] = (await env.t.api('/nodes', { token: as(token.id, token.secret) })).json.data;
    assert.deepEqual(Object.keys(node).sort(), ['id', 'level', 'node', 'ssl_fingerprint', 'status', 'type']);
    await grant('/nodes/pve', { tokens: token.id, roles: 'PVEAuditor' });
    const [audited] = (await env.t.api('/nodes', { token: as(token.id, token.secret) })).json.data;
    assert.deepEqual([audited.maxcpu, typeof audited.maxmem, typeof audited.mem], [16, 'number', 'number']);
  });

  it('refuses GET /nodes/{node}/status without Sys.Audit: 403 "Permission check failed (/nodes/pve, Sys.Audit)" (Nodes.pm status)', async () => {
    const token = await newToken('root@pam', 'no-audit');
    await grant('/vms', { tokens: token.id, roles: 'PVEVMAdmin' });
    const refused = await env.t.api('/nodes/pve/status', { token: as(token.id, token.secret) });
    assert.deepEqual([refused.status, refused.statusText], [403, 'Permission check failed (/nodes/pve, Sys.Audit)']);
    const status = (await env.t.api('/nodes/pve/status')).json.data;
    assert.equal(status.cpuinfo.cpus, 16);
    assert.equal(status.memory.total - status.memory.used, 55 * 1024 ** 3);
    assert.match(status.pveversion, /^pve-manager\/8\.4\.1\//);
  });

  it('removes the ACL entries on /vms/<vmid> when the guest is destroyed, and leaves those on /vms (pve-container destroy_vm -> remove_vm_access)', async () => {
    await createWorker(env.t);
    const token = await newToken('root@pam', 'one-ct');
    await grant('/vms/102', { tokens: token.id, roles: 'PVEVMAdmin' });
    await grant('/vms', { tokens: token.id, roles: 'PVEAuditor' });
    const ctList = (await env.t.api('/cluster/resources?type=vm', { token: as(token.id, token.secret) })).json.data;
    assert.deepEqual(ctList.map((r: { vmid: number }) => r.vmid), [102]);
    const upid = (await env.t.api('/nodes/pve/lxc/102', { method: 'DELETE' })).json.data;
    assert.equal((await env.t.waitTask(upid)).exitstatus, 'OK');
    const left = (await env.t.api('/access/acl')).json.data.filter((l: { ugid: string }) => l.ugid === token.id);
    assert.deepEqual(left.map((l: { path: string; roleid: string }) => [l.path, l.roleid]), [['/vms', 'PVEAuditor']]);
  });

  it('needs Permissions.Modify (or VM.Allocate below /vms) to change an ACL, and hands out no more than the caller holds (RPCEnvironment.pm check_perm_modify)', async () => {
    const token = await newToken('root@pam', 'delegate');
    await grant('/vms/120', { tokens: token.id, roles: 'PVEVMUser' });
    const refused = await env.t.api('/access/acl', { method: 'PUT', token: as(token.id, token.secret), form: { path: '/vms', users: 'ci@pve', roles: 'PVEAuditor' } });
    assert.deepEqual([refused.status, refused.statusText], [403, 'Permission check failed (/vms, Permissions.Modify)']);
    await grant('/vms/121', { tokens: token.id, roles: 'PVEVMAdmin' });
    const beyond = await env.t.api('/access/acl', { method: 'PUT', token: as(token.id, token.secret), form: { path: '/vms/121', users: 'ci@pve', roles: 'Administrator' } });
    assert.equal(beyond.status, 500);
    assert.equal(beyond.json.message, "ACL update failed: 400 Parameter verification failed.\nrole: Cannot add role 'Administrator' - requires 'Permissions.Modify' or superset of privileges.\n");
    const within = await env.t.api('/access/acl', { method: 'PUT', token: as(token.id, token.secret), form: { path: '/vms/121', users: 'ci@pve', roles: 'PVEVMUser' } });
    assert.equal(within.status, 200);
  });

  it('logs in a pve user made with a password, who then acts with its own ACL (API2/AccessControl.pm create_ticket)', async () => {
    await env.t.api('/access/users', { method: 'POST', form: { userid: 'alice@pve', password: 'wonderland' } });
    await grant('/storage', { users: 'alice@pve', roles: 'PVEDatastoreUser' });
    const login = await env.t.api('/access/ticket', { method: 'POST', token: null, form: { username: 'alice@pve', password: 'wonderland' } });
    assert.equal(login.status, 200);
    assert.deepEqual(login.json.data.cap.storage, { 'Datastore.AllocateSpace': 1, 'Datastore.Audit': 1 });
    assert.deepEqual(login.json.data.cap.vms, {});
    const cookie = { Cookie: `PVEAuthCookie=${encodeURIComponent(login.json.data.ticket)}` };
    const storages = (await env.t.api('/nodes/pve/storage', { token: null, headers: cookie })).json.data.map((s: { storage: string }) => s.storage);
    assert.deepEqual(storages, ['local', 'local-lvm']);
    assert.equal((await env.t.api('/nodes/pve/status', { token: null, headers: cookie })).status, 403);
  });

  it("prints `pveum user token add` as pveum does, secret included, and the token works (CLI/pveum.pm, CLIFormatter.pm print_text_table)", async () => {
    assert.deepEqual(await pveum('user add runner@pve --comment "made by pveum"'), { stdout: '', stderr: '', code: 0 });
    const added = await pveum('user token add runner@pve ci --privsep 1');
    assert.equal(added.code, 0);
    const secret = added.stdout.match(/│ value +│ ([0-9a-f-]{36}) │/)?.[1];
    assert.ok(secret, added.stdout);
    assert.equal(
      added.stdout,
      [
        '┌──────────────┬──────────────────────────────────────┐',
        '│ key          │ value                                │',
        '╞══════════════╪══════════════════════════════════════╡',
        '│ full-tokenid │ runner@pve!ci                        │',
        '├──────────────┼──────────────────────────────────────┤',
        '│ info         │ {"privsep":1}                        │',
        '├──────────────┼──────────────────────────────────────┤',
        `│ value        │ ${secret} │`,
        '└──────────────┴──────────────────────────────────────┘',
        '',
      ].join('\n'),
    );
    assert.deepEqual(await pveum("acl modify /vms --users runner@pve --roles PVEVMAdmin"), { stdout: '', stderr: '', code: 0 });
    assert.deepEqual(await pveum("acl modify /vms --tokens 'runner@pve!ci' --roles PVEVMAdmin --propagate 1"), { stdout: '', stderr: '', code: 0 });
    const held = (await env.t.api('/access/permissions?path=/vms/130', { token: as('runner@pve!ci', secret) })).json.data['/vms/130'];
    assert.deepEqual(Object.keys(held).sort(), [...ROLES.PVEVMAdmin].sort());
  });

  it('lists ACL entries and roles with pveum and deletes an entry with `pveum acl delete`', async () => {
    const list = await pveum('acl list');
    assert.match(list.stdout, /^│ path +│ roleid +│ type +│ ugid +│ propagate │$/m);
    assert.match(list.stdout, /^│ \/vms +│ PVEVMAdmin +│ token │ runner@pve!ci +│ 1 +│$/m);
    assert.match((await pveum('role list')).stdout, /^│ PVEAuditor +│ Datastore\.Audit,Mapping\.Audit,Pool\.Audit,SDN\.Audit,Sys\.Audit,VM\.Audit +│ 1 +│$/m);
    assert.deepEqual(await pveum("acl delete /vms --tokens 'runner@pve!ci' --roles PVEVMAdmin"), { stdout: '', stderr: '', code: 0 });
    const json = JSON.parse((await pveum('acl list --output-format json')).stdout);
    assert.equal(json.filter((l: { ugid: string }) => l.ugid === 'runner@pve!ci').length, 0);
  });

  it('prints pveum errors and exits 255: a parameter error with the usage, a refused change with its message (PVE::CLIHandler)', async () => {
    assert.deepEqual(await pveum('acl modify /vms --users runner@pve'), {
      stdout: '',
      stderr: '400 Parameter verification failed.\nroles: property is missing and it is not optional\npveum acl modify <path> --roles <string> [OPTIONS]\n',
      code: 255,
    });
    assert.deepEqual(await pveum('user token add runner@pve ci'), {
      stdout: '',
      stderr: '400 Parameter verification failed.\ntokenid: Token already exists.\npveum user token add <userid> <tokenid> [OPTIONS]\n',
      code: 255,
    });
    assert.deepEqual(await pveum('acl modify /vms --users runner@pve --roles Nope'), { stdout: '', stderr: "ACL update failed: role 'Nope' does not exist\n", code: 255 });
  });
});
