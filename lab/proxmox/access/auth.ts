import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { privilegesOn, TokenAcl, type AclEntry, type Privileges } from './acl';
import { AuthError, permissionError } from '../api/envelope';
import type { LabTiming } from '../../timing';

export interface ApiTokenGrant {
  /** `USER@REALM!TOKENID`, e.g. 'root@pam!acceptance' */
  tokenId: string;
  /** lower-case UUID */
  secret: string;
  /**
   * 'all' (the default): a token of root@pam without privilege separation. Otherwise a privilege-separated token's
   * ACL entries, or a flat list of privileges, which is one entry on / that propagates (the same on every path).
   */
  privileges?: 'all' | readonly string[] | readonly AclEntry[];
}

/** Who a request acts as. A token acts as `user@realm!tokenid`, which is never `root@pam` itself. */
export interface Principal {
  userid: string;
  privileges: Privileges;
}

export const ROOT: Principal = { userid: 'root@pam', privileges: 'all' };

/** $rpcenv->check: `Permission check failed (/vms/102, VM.Allocate)` when the privilege is missing. */
export function requirePrivilege(principal: Principal, path: string, privilege: string): void {
  if (!hasPrivilege(principal, path, privilege)) throw permissionError(`${path}, ${privilege}`);
}

/** $rpcenv->check_any: `Permission check failed (/storage/local, Datastore.Audit|Datastore.AllocateSpace)`. */
export function requireAnyPrivilege(principal: Principal, path: string, privileges: string[]): void {
  if (!privileges.some((privilege) => hasPrivilege(principal, path, privilege))) throw permissionError(`${path}, ${privileges.join('|')}`);
}

export function hasPrivilege(principal: Principal, path: string, privilege: string): boolean {
  return privilegesOn(principal.privileges, path).has(privilege);
}

export interface Ticket {
  username: string;
  ticket: string;
  CSRFPreventionToken: string;
}

/**
 * The API's authentication layer: API tokens, and tickets from POST /access/ticket with their CSRF token.
 * Failures are answered by the auth layer with an empty body after ~3 s, as pve-http-server delays them.
 */
export class ApiAuthenticator {
  private readonly secret = randomBytes(32);
  private readonly tickets = new Map<string, string>(); // ticket -> username
  private readonly tokens = new Map<string, { secret: string; privileges: Privileges }>();

  constructor(
    tokens: ApiTokenGrant[],
    private readonly rootPassword: string | undefined,
    private readonly timing: LabTiming,
  ) {
    for (const grant of tokens) this.addToken(grant);
  }

  /** `pveum user token add` (and its ACL entries); a token of the same id is replaced. */
  addToken(grant: ApiTokenGrant): void {
    this.tokens.set(grant.tokenId, { secret: grant.secret, privileges: tokenPrivileges(grant.privileges) });
  }

  /**
   * What a user or token may do, for GET /access/permissions. Only root@pam and the tokens exist; an unknown
   * user or token holds nothing, as RPCEnvironment.pm `permissions` answers for one.
   */
  privilegesOf(userid: string): Privileges {
    if (userid === 'root@pam') return 'all';
    return this.tokens.get(userid)?.privileges ?? new TokenAcl([]);
  }

  /** Every path the ACL tree has an entry on, whoever it is for (AccessControl.pm iterate_acl_tree). */
  aclPaths(): string[] {
    return [...new Set([...this.tokens.values()].flatMap(({ privileges }) => (privileges === 'all' ? [] : privileges.entries.map((entry) => entry.path))))];
  }

  /** POST /access/ticket: only root@pam exists in the lab's user database. */
  issueTicket(username: string, password: string): Ticket | undefined {
    const user = username.includes('@') ? username : `${username}@pam`;
    if (user !== 'root@pam' || this.rootPassword === undefined || password !== this.rootPassword) return undefined;
    const stamp = Math.floor(Date.now() / 1000).toString(16).toUpperCase();
    const ticket = `PVE:${user}:${stamp}::${this.sign(`${user}:${stamp}`)}`;
    this.tickets.set(ticket, user);
    return { username: user, ticket, CSRFPreventionToken: this.csrfToken(ticket, stamp) };
  }

  async authenticate(headers: IncomingHttpHeaders, method: string): Promise<Principal> {
    const authorization = headers.authorization;
    if (authorization?.startsWith('PVEAPIToken=')) {
      const match = authorization.slice('PVEAPIToken='.length).match(/^([^=]+@[^=!]+![^=]+)[=:]([0-9a-f-]+)$/);
      const token = match ? this.tokens.get(match[1]) : undefined;
      if (!match || !token || token.secret !== match[2]) return this.refuse('Authentication failed!');
      return { userid: match[1], privileges: token.privileges };
    }
    const ticket = cookie(headers.cookie, 'PVEAuthCookie');
    if (ticket === undefined) return this.refuse('No ticket');
    const username = this.tickets.get(ticket);
    if (!username) return this.refuse('Authentication failed!');
    if (method !== 'GET') {
      const stamp = ticket.split(':')[2];
      if (headers.csrfpreventiontoken !== this.csrfToken(ticket, stamp)) return this.refuse('Permission denied - invalid csrf token');
    }
    return { userid: username, privileges: 'all' };
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

function tokenPrivileges(granted: ApiTokenGrant['privileges']): Privileges {
  if (granted === undefined || granted === 'all') return 'all';
  const flat = granted.filter((item): item is string => typeof item === 'string');
  return new TokenAcl(flat.length ? [{ path: '/', privileges: flat }] : (granted as readonly AclEntry[]));
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** The caller of the one anonymous call (POST /access/ticket) before it has proven anything. */
export const ANONYMOUS: Principal = { userid: '', privileges: new TokenAcl([]) };
