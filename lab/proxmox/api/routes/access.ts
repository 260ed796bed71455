import { readAcl, updateAcl, updateAclParameters } from '../../access/acl-update';
import { requirePrivilege, type ApiAuthenticator } from '../../access/auth';
import { capabilities, effectivePermissions, permissionsAt } from '../../access/effective-permissions';
import { byText } from '../../access/user-config';
import {
  createUser, createUserParameters, generateToken, generateTokenParameters, listTokens, listUsers, readToken, readUser, removeToken, tokenParameters, useridSpec,
} from '../../access/users-and-tokens';
import { ApiError } from '../envelope';
import type { Route } from '../router';
import { verifyParameters } from '../schema/verify-parameters';

/** pve-access-control AccessControl.pm $userid_or_token_regex (Auth/Plugin.pm $user_regex, $realm_regex). */
const USERID_OR_TOKEN = /[^\s:/]+@[A-Za-z][A-Za-z0-9.\-_]+(?:![A-Za-z][A-Za-z0-9.\-_]+)?/;

/**
 * The access API of pve-access-control (src/PVE/API2/AccessControl.pm, User.pm, ACL.pm, Role.pm): tickets, what a
 * user or token may do, users and their API tokens, the ACL and the roles, all over the cluster's user.cfg.
 */
export function accessRoutes(auth: ApiAuthenticator): Route[] {
  const cfg = auth.users;
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
        return { ...ticket, cap: capabilities(auth.privilegesOf(ticket.username), cfg.aclPaths()) };
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
        return effectivePermissions(privileges, cfg.aclPaths());
      },
    },
    {
      method: 'GET',
      path: '/access/users',
      handle: ({ params, principal }) => {
        verifyParameters(params, { enabled: { type: 'boolean', optional: true }, full: { type: 'boolean', optional: true } });
        const users = listUsers(cfg, principal, params.full === '1');
        return params.enabled === undefined ? users : users.filter((user) => Boolean(user.enable) === (params.enabled === '1'));
      },
    },
    {
      method: 'POST',
      path: '/access/users',
      handle: ({ params, principal }) => {
        verifyParameters(params, createUserParameters);
        return createUser(cfg, principal, params);
      },
    },
    {
      method: 'GET',
      path: '/access/users/{userid}',
      handle: ({ params, principal }) => {
        verifyParameters(params, { userid: useridSpec });
        return readUser(cfg, principal, params.userid);
      },
    },
    {
      method: 'GET',
      path: '/access/users/{userid}/token',
      handle: ({ params, principal }) => {
        verifyParameters(params, { userid: useridSpec });
        return listTokens(cfg, principal, params.userid);
      },
    },
    {
      method: 'GET',
      path: '/access/users/{userid}/token/{tokenid}',
      handle: ({ params, principal }) => {
        verifyParameters(params, tokenParameters);
        return readToken(cfg, principal, params.userid, params.tokenid);
      },
    },
    {
      method: 'POST',
      path: '/access/users/{userid}/token/{tokenid}',
      handle: ({ params, principal }) => {
        verifyParameters(params, generateTokenParameters);
        return generateToken(cfg, principal, params);
      },
    },
    {
      method: 'DELETE',
      path: '/access/users/{userid}/token/{tokenid}',
      handle: ({ params, principal }) => {
        verifyParameters(params, tokenParameters);
        return removeToken(cfg, principal, params.userid, params.tokenid);
      },
    },
    {
      method: 'GET',
      path: '/access/acl',
      handle: ({ params, principal }) => {
        verifyParameters(params, {});
        return readAcl(cfg, principal);
      },
    },
    {
      method: 'PUT',
      path: '/access/acl',
      handle: ({ params, principal }) => {
        verifyParameters(params, updateAclParameters);
        return updateAcl(cfg, principal, params);
      },
    },
    {
      method: 'GET',
      path: '/access/roles',
      // Role.pm index: every role with its privileges, comma separated and sorted; the built-in ones are `special`.
      handle: () =>
        [...cfg.roles()]
          .sort(([a], [b]) => byText(a, b))
          .map(([roleid, privileges]) => ({ roleid, privs: [...privileges].sort(byText).join(','), special: cfg.isBuiltInRole(roleid) ? 1 : 0 })),
    },
  ];
}
