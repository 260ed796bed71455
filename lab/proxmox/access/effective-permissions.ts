import { privilegesOn, type Privileges } from './acl';
import { ALL_PRIVILEGES } from './privileges';

/** privilege -> 1 if it also holds below the path, 0 if only on it (PVE 8 answers the propagate flag). */
export type PathPermissions = Record<string, 1 | 0>;

/** Listed whether or not an ACL names them (pve-access-control src/PVE/RPCEnvironment.pm get_effective_permissions). */
const TOP_LEVEL_PATHS = ['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms'];

/** RPCEnvironment.pm `permissions`: what is held on one path; empty when nothing is. */
export function permissionsAt(privileges: Privileges, path: string): PathPermissions {
  return Object.fromEntries([...privilegesOn(privileges, path)].map(([privilege, propagates]) => [privilege, propagates ? 1 : 0]));
}

/**
 * GET /access/permissions without `path`: the top-level paths and every path the ACL tree names (for anyone), each
 * with what is held there; paths where nothing is held are left out. A path below them that no ACL names is not
 * listed: what holds there is what propagates from above.
 */
export function effectivePermissions(privileges: Privileges, aclPaths: string[]): Record<string, PathPermissions> {
  const listed: Record<string, PathPermissions> = {};
  for (const path of new Set([...TOP_LEVEL_PATHS, ...aclPaths])) {
    const held = permissionsAt(privileges, path);
    if (Object.keys(held).length) listed[path] = held;
  }
  return listed;
}

/** The privileges behind each part of the GUI, as RPCEnvironment.pm compute_api_permission groups them. */
const CAPABILITY_PATTERNS: Record<string, RegExp> = {
  vms: /^(VM\.|Permissions\.Modify)/,
  access: /^((User|Group)\.|Permissions\.Modify)/,
  storage: /^(Datastore\.|Permissions\.Modify)/,
  nodes: /^(Sys\.|Permissions\.Modify)/,
  sdn: /^(SDN\.|Permissions\.Modify)/,
  dc: /^(Sys\.Audit|Sys\.Modify|SDN\.)/,
  mapping: /^(Mapping\.|Permissions.Modify)/,
};

/** The `cap` of POST /access/ticket for root@pam, who holds every privilege everywhere. */
export function rootCapabilities(): Record<string, Record<string, 1>> {
  return Object.fromEntries(
    Object.entries(CAPABILITY_PATTERNS).map(([part, pattern]) => [part, Object.fromEntries(ALL_PRIVILEGES.filter((p) => pattern.test(p)).map((p) => [p, 1 as const]))]),
  );
}
