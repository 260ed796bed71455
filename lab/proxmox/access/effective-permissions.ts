import type { PermissionView } from './acl';

/** privilege -> 1 if it also holds below the path, 0 if only on it (PVE 8 answers the propagate flag). */
export type PathPermissions = Record<string, 1 | 0>;

/** Listed whether or not an ACL names them (pve-access-control src/PVE/RPCEnvironment.pm get_effective_permissions). */
const TOP_LEVEL_PATHS = ['/', '/access', '/access/groups', '/nodes', '/pool', '/sdn', '/storage', '/vms'];

/** RPCEnvironment.pm `permissions`: what is held on one path; empty when nothing is. */
export function permissionsAt(privileges: PermissionView, path: string): PathPermissions {
  return Object.fromEntries([...privileges.at(path)].map(([privilege, propagates]) => [privilege, propagates ? 1 : 0]));
}

/**
 * GET /access/permissions without `path`: the top-level paths and every path the ACL tree names (for anyone), each
 * with what is held there; paths where nothing is held are left out. A path below them that no ACL names is not
 * listed: what holds there is what propagates from above.
 */
export function effectivePermissions(privileges: PermissionView, aclPaths: string[]): Record<string, PathPermissions> {
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

/**
 * The `cap` of POST /access/ticket (RPCEnvironment.pm compute_api_permission): per part of the GUI, the privileges
 * held on its top-level path or on any path the ACL tree names below it.
 */
export function capabilities(privileges: PermissionView, aclPaths: string[]): Record<string, Record<string, 1>> {
  const result: Record<string, Record<string, 1>> = Object.fromEntries(Object.keys(CAPABILITY_PATTERNS).map((part) => [part, {}]));
  for (const path of new Set(['/', '/nodes', '/access/groups', '/vms', '/storage', '/sdn', '/mapping', ...aclPaths])) {
    const top = path.match(/^\/(\w+)/)?.[1] ?? 'dc';
    for (const privilege of privileges.at(path).keys()) {
      if (top === 'pool') {
        if (/^VM\./.test(privilege) || privilege === 'Permissions.Modify') result.vms[privilege] = 1;
        if (/^Datastore\./.test(privilege) || privilege === 'Permissions.Modify') result.storage[privilege] = 1;
      } else if (CAPABILITY_PATTERNS[top]?.test(privilege)) result[top][privilege] = 1;
    }
  }
  return result;
}
