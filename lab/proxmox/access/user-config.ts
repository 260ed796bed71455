import { randomUUID } from 'node:crypto';
import { ROLES } from './privileges';

export type AclMemberType = 'user' | 'group' | 'token';

/** One line of GET /access/acl (pve-access-control API2/ACL.pm read_acl). */
export interface AclLine {
  path: string;
  type: AclMemberType;
  ugid: string;
  roleid: string;
  propagate: 0 | 1;
}

export interface TokenInfo {
  /** As stored: 1/0, or the API's '1'/'0' text when a caller gave it. */
  privsep: number | string;
  expire?: number;
  comment?: string;
}

export interface UserEntry {
  enable: number;
  expire: number;
  firstname?: string;
  lastname?: string;
  email?: string;
  comment?: string;
  /** A `pve` realm user's password (/etc/pve/priv/shadow.cfg); pam users have theirs in /etc/shadow. */
  password?: string;
  tokens: Map<string, TokenInfo>;
}

/** pve-access-control Auth/Plugin.pm $user_regex@$realm_regex; AccessControl.pm $token_subid_regex. */
export const USERID = /^([^\s:/]+)@([A-Za-z][A-Za-z0-9.\-_]+)$/;
export const TOKEN_SUBID = /^[A-Za-z][A-Za-z0-9.\-_]+$/;
export const TOKENID = /^([^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+)!([A-Za-z][A-Za-z0-9.\-_]+)$/;

/**
 * /etc/pve/user.cfg (and priv/token.cfg for the secrets), one per cluster: users, their API tokens, groups, roles
 * and the ACL tree. Errors carry pve-access-control's words (AccessControl.pm check_user_exist, check_token_exist).
 */
export class UserConfig {
  readonly users = new Map<string, UserEntry>([['root@pam', { enable: 1, expire: 0, tokens: new Map() }]]);
  readonly groups = new Map<string, Set<string>>();
  private readonly customRoles = new Map<string, ReadonlySet<string>>();
  /** token.cfg: full token id -> secret. */
  private readonly secrets = new Map<string, string>();
  /** The ACL tree, flattened: path -> `type:ugid` -> role -> propagate. */
  private readonly acl = new Map<string, Map<string, Map<string, boolean>>>();

  /** Every role, the built-in ones (all `special`) and those an administrator added. */
  roles(): Map<string, ReadonlySet<string>> {
    return new Map([...Object.entries(ROLES).map(([id, privs]) => [id, new Set(privs)] as const), ...this.customRoles]);
  }

  isBuiltInRole(roleid: string): boolean {
    return roleid in ROLES;
  }

  /** `pveum role add`: a role with these privileges, replacing one of the same name. */
  setCustomRole(roleid: string, privileges: Iterable<string>): void {
    this.customRoles.set(roleid, new Set(privileges));
  }

  /** check_user_exist: `no such user ('x@pve')`. */
  user(userid: string): UserEntry {
    const found = this.users.get(userid);
    if (!found) throw new Error(`no such user ('${userid}')`);
    return found;
  }

  /** check_token_exist: `no such token 'x' for user 'y'`. */
  token(userid: string, tokenid: string): TokenInfo {
    const found = this.user(userid).tokens.get(tokenid);
    if (!found) throw new Error(`no such token '${tokenid}' for user '${userid}'`);
    return found;
  }

  /** API2/User.pm create_user, under lock_user_config("create user failed"). */
  addUser(userid: string, fields: Omit<UserEntry, 'tokens' | 'enable' | 'expire'> & { enable?: number; expire?: number }): void {
    if (this.users.has(userid)) throw new Error(`create user failed: user '${userid}' already exists`);
    this.users.set(userid, { ...fields, enable: fields.enable ?? 1, expire: fields.expire ?? 0, tokens: new Map() });
  }

  /** API2/User.pm generate_token: the new token's info and its secret (a UUID, TokenConfig.pm generate_token). */
  addToken(userid: string, tokenid: string, info: TokenInfo, secret: string = randomUUID()): { info: TokenInfo; value: string; fullTokenid: string } {
    this.user(userid).tokens.set(tokenid, info);
    const fullTokenid = `${userid}!${tokenid}`;
    this.secrets.set(fullTokenid, secret);
    return { info, value: secret, fullTokenid };
  }

  /** remove_token; the token's ACL entries go with it (parse_user_config drops them for a token that is gone). */
  removeToken(userid: string, tokenid: string): void {
    this.token(userid, tokenid);
    this.user(userid).tokens.delete(tokenid);
    const fullTokenid = `${userid}!${tokenid}`;
    this.secrets.delete(fullTokenid);
    for (const members of this.acl.values()) members.delete(`token:${fullTokenid}`);
    this.dropEmptyPaths();
  }

  secretOf(fullTokenid: string): string | undefined {
    return this.secrets.get(fullTokenid);
  }

  /** ACL.pm update_acl for one member and role; an entry for root@pam is not kept (write_user_config skips it). */
  setAcl(path: string, type: AclMemberType, ugid: string, roleid: string, propagate: boolean): void {
    if (type === 'user' && ugid === 'root@pam') return;
    const members = this.acl.get(path) ?? new Map<string, Map<string, boolean>>();
    this.acl.set(path, members);
    const roles = members.get(`${type}:${ugid}`) ?? new Map<string, boolean>();
    members.set(`${type}:${ugid}`, roles);
    roles.set(roleid, propagate);
  }

  deleteAcl(path: string, type: AclMemberType, ugid: string, roleid: string): void {
    this.acl.get(path)?.get(`${type}:${ugid}`)?.delete(roleid);
    this.dropEmptyPaths();
  }

  /** AccessControl.pm remove_vm_access: the ACL node /vms/<vmid> goes, with everything below it. */
  removeVmAccess(vmid: number): void {
    for (const path of [...this.acl.keys()]) if (path === `/vms/${vmid}` || path.startsWith(`/vms/${vmid}/`)) this.acl.delete(path);
  }

  /** The paths the ACL tree has entries on, in iterate_acl_tree's order (depth first, children sorted). */
  aclPaths(): string[] {
    return [...this.acl.keys()].sort(treeOrder);
  }

  /** GET /access/acl's lines, in tree order; within a path users, groups, tokens (ids and roles sorted). */
  aclLines(): AclLine[] {
    const order: AclMemberType[] = ['user', 'group', 'token'];
    return this.aclPaths().flatMap((path) =>
      [...this.acl.get(path)!]
        .map(([member, roles]) => ({ type: member.slice(0, member.indexOf(':')) as AclMemberType, ugid: member.slice(member.indexOf(':') + 1), roles }))
        .sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type) || byText(a.ugid, b.ugid))
        .flatMap(({ type, ugid, roles }) => [...roles].sort(([a], [b]) => byText(a, b)).map(([roleid, propagate]) => ({ path, type, ugid, roleid, propagate: propagate ? (1 as const) : (0 as const) }))),
    );
  }

  /** The roles one member holds on one path (type:ugid -> role -> propagate), for AccessControl.pm roles(). */
  entriesAt(path: string): ReadonlyMap<string, ReadonlyMap<string, boolean>> | undefined {
    return this.acl.get(path);
  }

  private dropEmptyPaths(): void {
    for (const [path, members] of this.acl) {
      for (const [member, roles] of members) if (!roles.size) members.delete(member);
      if (!members.size) this.acl.delete(path);
    }
  }
}

/** '/', '/storage', '/vms', '/vms/102' ...: a parent before its children, siblings sorted by name. */
function treeOrder(a: string, b: string): number {
  const left = a.split('/').filter(Boolean);
  const right = b.split('/').filter(Boolean);
  for (let i = 0; i < Math.min(left.length, right.length); i += 1) {
    if (left[i] !== right[i]) return byText(left[i], right[i]);
  }
  return left.length - right.length;
}

/** Perl's `sort` (cmp): by code point, not by locale. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
