import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLES, type AclEntry } from '../../lab/proxmox';
import { privilegesOn, type PermissionTree } from '../../src/preflight/token-privileges';
import { startTestNode, type TestNode } from '../lab/proxmox/test-node';

const sorted = (set: Set<string>) => [...set].sort();

describe('reading a privilege on a path from GET /access/permissions', () => {
  it('takes a listed path\'s own privileges, whether or not they propagate', () => {
    const tree: PermissionTree = { '/storage/local-lvm': { 'Datastore.AllocateSpace': 0 }, '/': { 'Sys.Audit': 1 } };
    assert.deepEqual(sorted(privilegesOn(tree, '/storage/local-lvm')), ['Datastore.AllocateSpace']);
  });

  it('takes what propagates from the nearest ancestor that propagates anything, not what holds only there', () => {
    const tree: PermissionTree = { '/': { 'VM.Audit': 1, 'Sys.Audit': 1 }, '/vms': { 'VM.PowerMgmt': 0 } };
    assert.deepEqual(sorted(privilegesOn(tree, '/vms/102')), ['Sys.Audit', 'VM.Audit']);
    const deeper: PermissionTree = { '/': { 'Sys.Audit': 1 }, '/vms': { 'VM.Allocate': 1, 'VM.Audit': 0 } };
    assert.deepEqual(sorted(privilegesOn(deeper, '/vms/102')), ['VM.Allocate']);
  });

  it('holds nothing where no listed ancestor propagates anything', () => {
    assert.deepEqual(sorted(privilegesOn({ '/': { 'Sys.Audit': 0 } }, '/sdn/zones/localnetwork/vmbr0')), []);
    assert.deepEqual(sorted(privilegesOn({}, '/')), []);
  });

  it('reads PVE 7\'s answer, 1 for everything, as all propagating', () => {
    assert.deepEqual(sorted(privilegesOn({ '/': { 'VM.Allocate': 1 } }, '/vms/102')), ['VM.Allocate']);
  });
});

// What the node answers for one path (?path=) must be what the suite reads for it from the whole tree.
describe('the whole tree read per path agrees with the node\'s answer for that path (lab, PVE 8 ACL rules)', () => {
  let t: TestNode;
  before(async () => (t = await startTestNode()));
  after(() => t.stop());

  const paths = ['/', '/vms', '/vms/102', '/vms/103', '/storage/local', '/storage/local-lvm', '/sdn/zones/localnetwork/vmbr0', '/nodes/pve'];
  const acls: Record<string, AclEntry[]> = {
    'roles on the paths the story touches': [
      { path: '/vms', privileges: ROLES.PVEVMAdmin },
      { path: '/storage', privileges: ROLES.PVEDatastoreUser },
      { path: '/sdn/zones/localnetwork/vmbr0', privileges: ROLES.PVESDNUser },
    ],
    'an entry on one CT replacing one on /': [
      { path: '/', privileges: ROLES.PVEAuditor },
      { path: '/vms/102', privileges: ['VM.PowerMgmt'] },
    ],
    'entries that do not propagate': [
      { path: '/', privileges: ['Sys.Audit'], propagate: false },
      { path: '/vms', privileges: ROLES.PVEVMUser, propagate: false },
      { path: '/storage', privileges: ['Datastore.Audit'] },
      { path: '/storage/local-lvm', privileges: ['Datastore.AllocateSpace'], propagate: false },
    ],
  };
  let n = 0;
  for (const [name, acl] of Object.entries(acls)) {
    it(name, async () => {
      const token = `root@pam!agree-${(n += 1)}`;
      const secret = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      t.node.addApiToken({ tokenId: token, secret, privileges: acl });
      const get = async (query: string) => (await t.api(`/access/permissions${query}`, { token: `${token}=${secret}` })).json.data;
      const tree: PermissionTree = await get('');
      for (const path of paths) {
        const exact = (await get(`?path=${encodeURIComponent(path)}`))[path];
        assert.deepEqual(sorted(privilegesOn(tree, path)), Object.keys(exact).sort(), path);
      }
    });
  }
});
