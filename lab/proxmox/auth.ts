import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AuthError, permissionError } from './envelope';
import type { LabTiming } from '../timing';

export interface ApiTokenGrant {
  /** `USER@REALM!TOKENID`, e.g. 'root@pam!acceptance' */
  tokenId: string;
  /** lower-case UUID */
  secret: string;
  /** Privileges on every path; 'all' (the default) as for a token of root@pam without privilege separation. */
  privileges?: 'all' | string[];
}

/** Who a request acts as. A token acts as `user@realm!tokenid`, which is never `root@pam` itself. */
export interface Principal {
  userid: string;
  privileges: 'all' | ReadonlySet<string>;
}

export const ROOT: Principal = { userid: 'root@pam', privileges: 'all' };

/** $rpcenv->check: `Permission check failed (/vms/102, VM.Allocate)` when the privilege is missing. */
export function requirePrivilege(principal: Principal, path: string, privilege: string): void {
  if (!hasPrivilege(principal, privilege)) throw permissionError(`${path}, ${privilege}`);
}

export function hasPrivilege(principal: Principal, privilege: string): boolean {
  return principal.privileges === 'all' || principal.privileges.has(privilege);
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

  constructor(
    private readonly tokens: ApiTokenGrant[],
    private readonly rootPassword: string | undefined,
    private readonly timing: LabTiming,
  ) {}

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
      const grant = match && this.tokens.find((t) => t.tokenId === match[1] && t.secret === match[2]);
      if (!grant) return this.refuse('Authentication failed!');
      const privileges = grant.privileges === undefined || grant.privileges === 'all' ? 'all' : new Set(grant.privileges);
      return { userid: grant.tokenId, privileges };
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

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** The caller of the one anonymous call (POST /access/ticket) before it has proven anything. */
export const ANONYMOUS: Principal = { userid: '', privileges: new Set() };
