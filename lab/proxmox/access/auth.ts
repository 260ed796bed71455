import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthError, permissionError } from '../api/envelope';
import type { LabTiming } from '../../timing';
import { ALL_PERMISSIONS, NO_PERMISSIONS, permissionsOf, type AclEntry, type PermissionView } from './acl';
import { ROLES } from './privileges';
import { TOKENID, UserConfig } from './user-config';

export interface ApiTokenGrant {
  /** `USER@REALM!TOKENID`, e.g. 'root@pam!acceptance' */
  tokenId: string;
  /** lower-case UUID */
  secret: string;
  /**
   * 'all' (the default): a token without privilege separation (its user gets Administrator on / unless it is
   * root@pam). Otherwise a privilege-separated token's ACL entries, or a flat list of privileges, which is one entry
   * on / that propagates. Each entry's privileges become a role: the built-in one with exactly those privileges, or
   * a custom role `LabGrant-<hash>`. A user other than root@pam gets the same entries, so the token's intersection
   * with its user (RPCEnvironment.pm) is the grant itself.
   */
  privileges?: 'all' | readonly string[] | readonly AclEntry[];
}

/** Who a request acts as. A token acts as `user@realm!tokenid`, which is never `root@pam` itself. */
export interface Principal {
  userid: string;
  privileges: PermissionView;
}

/** root@pam itself, as the host's CLI tools (pct, pveum) run. */
export const ROOT: Principal = { userid: 'root@pam', privileges: ALL_PERMISSIONS };

/** $rpcenv->check: `Permission check failed (/vms/102, VM.Allocate)` when the privilege is missing. */
export function requirePrivilege(principal: Principal, path: string, privilege: string): void {
  if (!hasPrivilege(principal, path, privilege)) throw permissionError(`${path}, ${privilege}`);
}

/** $rpcenv->check_any: `Permission check failed (/storage/local, Datastore.Audit|Datastore.AllocateSpace)`. */
export function requireAnyPrivilege(principal: Principal, path: string, privileges: string[]): void {
  if (!privileges.some((privilege) => hasPrivilege(principal, path, privilege))) throw permissionError(`${path}, ${privileges.join('|')}`);
}

export function hasPrivilege(principal: Principal, path: string, privilege: string): boolean {
  return principal.privileges.at(path).has(privilege);
}

export interface Ticket {
  username: string;
  ticket: string;
  CSRFPreventionToken: string;
}

/**
 * The API's authentication layer, over the cluster's user.cfg: API tokens, and tickets from POST /access/ticket with
 * their CSRF token. Failures are answered by the auth layer with an empty body after ~3 s, as pve-http-server
 * delays them.
 */
export class ApiAuthenticator {
  /** The cluster's authkey: a ticket from one node is good on every other. */
  private readonly secret = randomBytes(32);
  private readonly tickets = new Map<string, string>(); // ticket -> username
  readonly users = new UserConfig();

  constructor(
    tokens: ApiTokenGrant[],
    private readonly rootPassword: string | undefined,
    private readonly timing: LabTiming,
  ) {
    for (const grant of tokens) this.addToken(grant);
  }

  /** `pveum user token add` and `pveum acl modify` as an administrator would run them; replaces a token of the same id. */
  addToken(grant: ApiTokenGrant): void {
    const [, owner, name] = grant.tokenId.match(TOKENID) ?? [];
    if (!owner) throw new Error(`'${grant.tokenId}' is not a valid token ID - not able to split into user and token parts`);
    if (!this.users.users.has(owner)) this.users.addUser(owner, {});
    if (this.users.users.get(owner)!.tokens.has(name)) this.users.removeToken(owner, name);
    const privsep = grant.privileges !== undefined && grant.privileges !== 'all';
    this.users.addToken(owner, name, { privsep: privsep ? 1 : 0 }, grant.secret);
    if (!privsep) {
      if (owner !== 'root@pam') this.users.setAcl('/', 'user', owner, 'Administrator', true);
      return;
    }
    const flat = (grant.privileges as readonly unknown[]).filter((item): item is string => typeof item === 'string');
    const entries = flat.length ? [{ path: '/', privileges: flat }] : (grant.privileges as readonly AclEntry[]);
    for (const entry of entries) {
      const role = this.roleFor(entry.privileges);
      const propagate = entry.propagate !== false;
      this.users.setAcl(entry.path, 'token', grant.tokenId, role, propagate);
      if (owner !== 'root@pam') this.users.setAcl(entry.path, 'user', owner, role, propagate);
    }
  }

  /** What a user or token may do (RPCEnvironment.pm `permissions`), read afresh at every check. */
  privilegesOf(userid: string): PermissionView {
    return permissionsOf(this.users, userid);
  }

  /** POST /access/ticket: root@pam with the lab's root password, or a pve-realm user with the password it was made with. */
  issueTicket(username: string, password: string): Ticket | undefined {
    const user = username.includes('@') ? username : `${username}@pam`;
    const expected = user === 'root@pam' ? this.rootPassword : this.users.users.get(user)?.password;
    if (expected === undefined || password !== expected || !this.users.users.get(user)?.enable) return undefined;
    const stamp = Math.floor(Date.now() / 1000).toString(16).toUpperCase();
    const ticket = `PVE:${user}:${stamp}::${this.sign(`${user}:${stamp}`)}`;
    this.tickets.set(ticket, user);
    return { username: user, ticket, CSRFPreventionToken: this.csrfToken(ticket, stamp) };
  }

  async authenticate(headers: IncomingHttpHeaders, method: string): Promise<Principal> {
    const authorization = headers.authorization;
    if (authorization?.startsWith('PVEAPIToken=')) {
      const match = authorization.slice('PVEAPIToken='.length).match(/^([^=]+@[^=!]+![^=]+)[=:]([0-9a-f-]+)$/);
      const secret = match ? this.users.secretOf(match[1]) : undefined;
      if (!match || secret === undefined || secret !== match[2] || !this.enabled(match[1])) return this.refuse('Authentication failed!');
      return { userid: match[1], privileges: this.privilegesOf(match[1]) };
    }
    const ticket = cookie(headers.cookie, 'PVEAuthCookie');
    if (ticket === undefined) return this.refuse('No ticket');
    const username = this.tickets.get(ticket);
    if (!username) return this.refuse('Authentication failed!');
    if (method !== 'GET') {
      const stamp = ticket.split(':')[2];
      if (headers.csrfpreventiontoken !== this.csrfToken(ticket, stamp)) return this.refuse('Permission denied - invalid csrf token');
    }
    return { userid: username, privileges: this.privilegesOf(username) };
  }

  /** The token's user must be enabled (AccessControl.pm check_user_enabled). */
  private enabled(tokenid: string): boolean {
    return Boolean(this.users.users.get(tokenid.split('!')[0])?.enable);
  }

  /** The built-in role with exactly these privileges, or a custom one made for them. */
  private roleFor(privileges: readonly string[]): string {
    const wanted = [...new Set(privileges)].sort();
    if (!wanted.length) return 'NoAccess';
    const builtIn = Object.entries(ROLES).find(([, held]) => held.length === wanted.length && [...held].sort().every((p, i) => p === wanted[i]));
    if (builtIn) return builtIn[0];
    const roleid = `LabGrant-${createHash('sha1').update(wanted.join(',')).digest('hex').slice(0, 8)}`;
    this.users.setCustomRole(roleid, wanted);
    return roleid;
  }

  private async refuse(reason: string): Promise<never> {
    await this.timing.wait(3000);
    throw new AuthError(401, reason);
  }

  private csrfToken(ticket: string, stamp: string): string {
    return `${stamp}:${this.sign(`csrf:${ticket}`)}`;
  }

  private sign(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64');
  }
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** The caller of the one anonymous call (POST /access/ticket) before it has proven anything. */
export const ANONYMOUS: Principal = { userid: '', privileges: NO_PERMISSIONS };
