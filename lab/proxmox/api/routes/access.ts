import { requirePrivilege, type ApiAuthenticator } from '../../access/auth';
import { effectivePermissions, permissionsAt, rootCapabilities } from '../../access/effective-permissions';
import { ApiError } from '../envelope';
import type { Route } from '../router';
import { verifyParameters } from '../schema/verify-parameters';

/** pve-access-control AccessControl.pm $userid_or_token_regex (Auth/Plugin.pm $user_regex, $realm_regex). */
const USERID_OR_TOKEN = /[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+(?:![A-Za-z][A-Za-z0-9.\-_]+)?/;

/**
 * POST /access/ticket: the ticket, CSRF token and capabilities of a logged-in user. GET /access/permissions: what a
 * user or token may do, per ACL path (pve-access-control src/PVE/API2/AccessControl.pm `permissions`).
 */
export function accessRoutes(auth: ApiAuthenticator): Route[] {
  return [
    {
      method: 'POST',
      path: '/access/ticket',
      anonymous: true,
      handle: ({ params }) => {
        verifyParameters(params, {
          username: { type: 'string', maxLength: 64 },
          password: { type: 'string' },
          realm: { type: 'string', optional: true },
          otp: { type: 'string', optional: true },
          'new-format': { type: 'boolean', optional: true },
        });
        const user = params.realm && !params.username.includes('@') ? `${params.username}@${params.realm}` : params.username;
        const ticket = auth.issueTicket(user, params.password);
        if (!ticket) throw new ApiError(401, 'authentication failure');
        return { ...ticket, cap: rootCapabilities() };
      },
    },
    {
      method: 'GET',
      path: '/access/permissions',
      handle: ({ params, principal }) => {
        verifyParameters(params, {
          userid: { type: 'string', optional: true, pattern: USERID_OR_TOKEN },
          path: { type: 'string', optional: true },
        });
        const userid = params.userid ?? principal.userid;
        // Anyone may read their own, and a user their tokens'; someone else's needs Sys.Audit on /access.
        const owner = userid.match(/^(.+)!/)?.[1];
        if (userid !== principal.userid && owner !== principal.userid) requirePrivilege(principal, '/access', 'Sys.Audit');
        const privileges = auth.privilegesOf(userid);
        // With a path, that path alone, even when nothing is held there.
        if (params.path) return { [params.path]: permissionsAt(privileges, params.path) };
        return effectivePermissions(privileges, auth.aclPaths());
      },
    },
  ];
}
