import { ALL_PRIVILEGES } from './privileges';

/** One ACL entry of a token, as `pveum acl modify PATH --tokens ID --roles ROLE [--propagate 0]` makes it. */
export interface AclEntry {
  /** e.g. '/vms', '/storage/local-lvm', '/sdn/zones/localnetwork/vmbr0' */
  path: string;
  /** The privileges of the roles granted there (see ROLES in privileges.ts). */
  privileges: readonly string[];
  /** Whether it also counts below `path`; default true, as pveum's. */
  propagate?: boolean;
}

/**
 * A privilege-separated token's ACL. On a path it holds what the deepest entry on the way from / grants
 * (pve-access-control src/PVE/AccessControl.pm `roles`: a deeper entry replaces, not adds to, what is above it); an
 * entry counts on its own path, and below it only if it propagates.
 */
export class TokenAcl {
  constructor(readonly entries: readonly AclEntry[]) {}

  /** privilege -> propagate flag, as PVE/RPCEnvironment.pm `permissions` maps them. */
  at(path: string): Map<string, boolean> {
    let held = new Map<string, boolean>();
    const prefixes = pathPrefixes(path);
    prefixes.forEach((prefix, i) => {
      const final = i === prefixes.length - 1;
      const applying = this.entries.filter((entry) => pathPrefixes(entry.path).at(-1) === prefix && (final || entry.propagate !== false));
      if (!applying.length) return;
      held = new Map();
      // A privilege propagates if any role that carries it does.
      for (const entry of applying) for (const privilege of entry.privileges) held.set(privilege, held.get(privilege) || entry.propagate !== false);
    });
    return held;
  }
}

/** 'all': root@pam, or a token of root@pam without privilege separation. */
export type Privileges = 'all' | TokenAcl;

const ADMINISTRATOR = new Map(ALL_PRIVILEGES.map((privilege) => [privilege, true]));

/** What a caller holds on `path`: everything for 'all' (RPCEnvironment.pm returns Administrator's for root@pam). */
export function privilegesOn(privileges: Privileges, path: string): ReadonlyMap<string, boolean> {
  return privileges === 'all' ? ADMINISTRATOR : privileges.at(path);
}

/** '/vms/102' -> ['/', '/vms', '/vms/102']: the ACL tree's nodes from the root down. */
function pathPrefixes(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return ['/', ...parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`)];
}
