import { ALL_PRIVILEGES } from './privileges';
import { TOKENID, type UserConfig } from './user-config';

/** One ACL entry given as privileges rather than roles (the lab's `apiTokens` grants; see auth.ts). */
export interface AclEntry {
  /** e.g. '/vms', '/storage/local-lvm', '/sdn/zones/localnetwork/vmbr0' */
  path: string;
  /** The privileges of the roles granted there (see ROLES in privileges.ts). */
  privileges: readonly string[];
  /** Whether it also counts below `path`; default true, as pveum's. */
  propagate?: boolean;
}

/** What a caller holds on a path: privilege -> whether it propagates (RPCEnvironment.pm `permissions`). */
export interface PermissionView {
  at(path: string): ReadonlyMap<string, boolean>;
}

const ADMINISTRATOR: ReadonlyMap<string, boolean> = new Map(ALL_PRIVILEGES.map((privilege) => [privilege, true]));

/** root@pam: Administrator's privileges on every path. */
export const ALL_PERMISSIONS: PermissionView = { at: () => ADMINISTRATOR };

/** Nobody: the caller of POST /access/ticket before it has proven anything. */
export const NO_PERMISSIONS: PermissionView = { at: () => new Map() };

/** A user's or token's permissions, read from user.cfg at each check (so an ACL change counts at once). */
export function permissionsOf(cfg: UserConfig, userid: string): PermissionView {
  return { at: (path) => permissions(cfg, userid, path) };
}

/**
 * RPCEnvironment.pm `permissions`: root@pam holds Administrator's privileges everywhere; a token without privilege
 * separation holds its user's; a separated one what its own ACL entries give, and of those (unless its user is
 * root@pam) only what the user holds too, propagating only where both do.
 */
export function permissions(cfg: UserConfig, userid: string, path: string): ReadonlyMap<string, boolean> {
  if (userid === 'root@pam') return ADMINISTRATOR;
  const token = userid.match(TOKENID);
  if (token) {
    const [, owner, name] = token;
    const info = cfg.users.get(owner)?.tokens.get(name);
    if (!info) return new Map();
    const ownerPrivileges = permissions(cfg, owner, path);
    if (!Number(info.privsep)) return ownerPrivileges;
    const own = privilegesOf(cfg, roles(cfg, userid, path));
    if (owner === 'root@pam') return own;
    return new Map([...own].filter(([privilege]) => ownerPrivileges.has(privilege)).map(([privilege, propagates]) => [privilege, propagates && ownerPrivileges.get(privilege)!]));
  }
  return privilegesOf(cfg, roles(cfg, userid, path));
}

/**
 * AccessControl.pm `roles`: walking from / down to the path, the deepest level that grants anything replaces what
 * was above; at each level a token's own entries, else the user's, else those of the user's groups. An entry counts
 * below its path only if it propagates. NoAccess, once it applies, is all there is.
 */
function roles(cfg: UserConfig, userid: string, path: string): Map<string, boolean> {
  let held = new Map<string, boolean>();
  const levels = pathPrefixes(path);
  levels.forEach((level, i) => {
    const final = i === levels.length - 1;
    const members = cfg.entriesAt(level);
    if (!members) return;
    const applying = (roleSets: Array<ReadonlyMap<string, boolean> | undefined>) => {
      const found = new Map<string, boolean>();
      for (const set of roleSets) for (const [role, propagate] of set ?? []) if (final || propagate) found.set(role, propagate);
      return found;
    };
    const groups = [...cfg.groups].filter(([, users]) => users.has(userid)).map(([group]) => members.get(`group:${group}`));
    for (const candidate of [applying([members.get(`token:${userid}`)]), applying([members.get(`user:${userid}`)]), applying(groups)]) {
      if (!candidate.size) continue;
      held = candidate;
      return;
    }
  });
  if (held.has('NoAccess')) return new Map([['NoAccess', held.get('NoAccess')!]]);
  return held;
}

/** A privilege propagates if any role that carries it does. */
function privilegesOf(cfg: UserConfig, held: Map<string, boolean>): Map<string, boolean> {
  const all = cfg.roles();
  const privileges = new Map<string, boolean>();
  for (const [role, propagate] of held) for (const privilege of all.get(role) ?? []) privileges.set(privilege, privileges.get(privilege) || propagate);
  return privileges;
}

/** '/vms/102' -> ['/', '/vms', '/vms/102']: the ACL tree's nodes from the root down. */
function pathPrefixes(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}
