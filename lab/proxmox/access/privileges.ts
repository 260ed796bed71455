/**
 * PVE 8's privileges and built-in roles, as pve-access-control 8.x defines them (src/PVE/AccessControl.pm,
 * `$privgroups` and create_roles, branch stable-bookworm). Each group's privileges are split by who should hold them:
 * `root` ones only Administrator, `admin` ones PVE<Group>Admin, `user` ones PVE<Group>User, `audit` ones PVEAuditor.
 */
const PRIVILEGE_GROUPS: Record<string, { root: string[]; admin: string[]; user: string[]; audit: string[] }> = {
  VM: {
    root: [],
    admin: ['VM.Config.Disk', 'VM.Config.CPU', 'VM.Config.Memory', 'VM.Config.Network', 'VM.Config.HWType', 'VM.Config.Options', 'VM.Allocate', 'VM.Clone', 'VM.Migrate', 'VM.Monitor', 'VM.Snapshot', 'VM.Snapshot.Rollback'],
    user: ['VM.Config.CDROM', 'VM.Config.Cloudinit', 'VM.Console', 'VM.Backup', 'VM.PowerMgmt'],
    audit: ['VM.Audit'],
  },
  Sys: { root: ['Sys.PowerMgmt', 'Sys.Modify', 'Sys.Incoming', 'Sys.AccessNetwork'], admin: ['Sys.Console', 'Sys.Syslog'], user: [], audit: ['Sys.Audit'] },
  Datastore: { root: [], admin: ['Datastore.Allocate', 'Datastore.AllocateTemplate'], user: ['Datastore.AllocateSpace'], audit: ['Datastore.Audit'] },
  SDN: { root: [], admin: ['SDN.Allocate', 'SDN.Audit'], user: ['SDN.Use'], audit: ['SDN.Audit'] },
  User: { root: ['Realm.Allocate'], admin: ['User.Modify', 'Group.Allocate', 'Realm.AllocateUser'], user: [], audit: [] },
  Pool: { root: [], admin: ['Pool.Allocate'], user: ['Pool.Audit'], audit: ['Pool.Audit'] },
  Mapping: { root: [], admin: ['Mapping.Modify'], user: ['Mapping.Use'], audit: ['Mapping.Audit'] },
};

/** Every privilege PVE 8 knows: what Administrator (and so root@pam) holds. Permissions.Modify belongs to no group. */
export const ALL_PRIVILEGES: readonly string[] = [
  ...new Set(Object.values(PRIVILEGE_GROUPS).flatMap((g) => [...g.root, ...g.admin, ...g.user, ...g.audit])),
  'Permissions.Modify',
];

/** The built-in roles a test grants a token, e.g. ROLES.PVEVMAdmin. */
export const ROLES: Readonly<Record<string, readonly string[]>> = builtInRoles();

function builtInRoles(): Record<string, string[]> {
  const roles: Record<string, Set<string>> = { Administrator: new Set(ALL_PRIVILEGES), NoAccess: new Set(), PVEAdmin: new Set(), PVEAuditor: new Set() };
  for (const [group, { admin, user, audit }] of Object.entries(PRIVILEGE_GROUPS)) {
    roles[`PVE${group}Admin`] = new Set([...admin, ...user, ...audit]);
    for (const privilege of [...admin, ...user, ...audit]) roles.PVEAdmin.add(privilege);
    if (user.length) roles[`PVE${group}User`] = new Set([...user, ...audit]);
    for (const privilege of audit) roles.PVEAuditor.add(privilege);
  }
  // Only Administrator and PVEMappingAdmin may change mappings.
  roles.PVEAdmin.delete('Mapping.Modify');
  roles.PVETemplateUser = new Set(['VM.Clone', 'VM.Audit']);
  return Object.fromEntries(Object.entries(roles).map(([name, privileges]) => [name, [...privileges]]));
}
