import { ApiError, parameterError, permissionError } from '../api/envelope';
import type { Schema } from '../api/schema/property-spec';
import { hasPrivilege, requirePrivilege, type Principal } from './auth';
import { byText, TOKEN_SUBID, USERID, type TokenInfo, type UserConfig, type UserEntry } from './user-config';

/** pve-userid (Auth/Plugin.pm verify_username), as the `userid-completed` option checks it. */
export const useridSpec = {
  type: 'string',
  maxLength: 64,
  format: (value: string) => {
    if (value.length < 3) throw new Error(`user name '${value}' is too short\n`);
    if (!USERID.test(value)) throw new Error(`value '${value}' does not look like a valid user name\n`);
  },
} as const;

const tokenSubid = { type: 'string', pattern: TOKEN_SUBID } as const;
const flag = { type: 'boolean', optional: true } as const;

/** API2/User.pm create_user's parameters. */
export const createUserParameters: Schema = {
  userid: useridSpec,
  enable: flag,
  expire: { type: 'integer', optional: true, minimum: 0 },
  firstname: { type: 'string', optional: true, maxLength: 1024 },
  lastname: { type: 'string', optional: true, maxLength: 1024 },
  email: { type: 'string', optional: true, maxLength: 254 },
  comment: { type: 'string', optional: true, maxLength: 2048 },
  keys: { type: 'string', optional: true, pattern: /[0-9a-zA-Z!=]{0,4096}/ },
  password: { type: 'string', optional: true, minLength: 8, maxLength: 64 },
  groups: { type: 'string', optional: true },
};

/** generate_token's parameters (token-expire, token-privsep, token-comment). */
export const generateTokenParameters: Schema = {
  userid: useridSpec,
  tokenid: tokenSubid,
  expire: { type: 'integer', optional: true, minimum: 0 },
  privsep: flag,
  comment: { type: 'string', optional: true },
};

export const tokenParameters: Schema = { userid: useridSpec, tokenid: tokenSubid };

/**
 * create_user: needs Realm.AllocateUser on the user's realm and User.Modify on /access/groups (or on each group
 * given); root@pam passes every check (RPCEnvironment.pm check_api2_permissions).
 */
export function createUser(cfg: UserConfig, principal: Principal, params: Record<string, string>): null {
  const [, , realm] = params.userid.match(USERID)!;
  const groups = (params.groups ?? '').split(/[,;\s]+/).filter(Boolean);
  if (principal.userid !== 'root@pam') {
    requirePrivilege(principal, `/access/realm/${realm}`, 'Realm.AllocateUser');
    if (!hasPrivilege(principal, '/access/groups', 'User.Modify')) {
      if (!groups.length) throw permissionError('/access/groups, User.Modify');
      for (const group of groups) requirePrivilege(principal, `/access/groups/${group}`, 'User.Modify');
    }
  }
  if (cfg.users.has(params.userid)) throw new ApiError(500, `create user failed: user '${params.userid}' already exists`);
  const missing = groups.find((group) => !cfg.groups.has(group));
  if (missing) throw new ApiError(500, `create user failed: no such group '${missing}'`);
  const fields: Parameters<UserConfig['addUser']>[1] = {};
  for (const key of ['firstname', 'lastname', 'email', 'comment', 'password'] as const) if (params[key]) fields[key] = params[key];
  if (params.enable !== undefined) fields.enable = Number(params.enable);
  if (params.expire) fields.expire = Number(params.expire);
  cfg.addUser(params.userid, fields);
  for (const group of groups) cfg.groups.get(group)!.add(params.userid);
  return null;
}

/**
 * User.pm index: the users the caller may see (User.Modify or Sys.Audit on /access/groups, else only itself), each
 * with what user.cfg holds; `full` adds groups and tokens.
 */
export function listUsers(cfg: UserConfig, principal: Principal, full: boolean): Array<Record<string, unknown>> {
  const seesAll = ['User.Modify', 'Sys.Audit'].some((privilege) => hasPrivilege(principal, '/access/groups', privilege));
  return [...cfg.users.keys()]
    .sort(byText)
    .filter((userid) => seesAll || userid === principal.userid)
    .map((userid) => {
      const user = cfg.users.get(userid)!;
      const entry: Record<string, unknown> = { ...userData(user) };
      if (full) {
        entry.groups = groupsOf(cfg, userid).join(',');
        entry.tokens = [...user.tokens.keys()].sort(byText).map((tokenid) => ({ tokenid, ...user.tokens.get(tokenid) }));
      }
      entry['realm-type'] = userid.endsWith('@pam') ? 'pam' : 'pve';
      entry.userid = userid;
      return entry;
    });
}

/** User.pm read_user (userid-group: User.Modify or Sys.Audit on /access/groups). */
export function readUser(cfg: UserConfig, principal: Principal, userid: string): Record<string, unknown> {
  if (principal.userid !== 'root@pam' && !['User.Modify', 'Sys.Audit'].some((p) => hasPrivilege(principal, '/access/groups', p))) {
    throw new ApiError(403, 'Permission check failed');
  }
  const user = cfg.user(userid);
  return { ...userData(user), groups: groupsOf(cfg, userid), tokens: Object.fromEntries(user.tokens) };
}

/**
 * generate_token: `Token already exists.` is a parameter error; the answer holds the secret, which cannot be read
 * again. privsep defaults to 1 (token-privsep).
 */
export function generateToken(cfg: UserConfig, principal: Principal, params: Record<string, string | number>): { info: TokenInfo; value: string; 'full-tokenid': string } {
  const userid = String(params.userid);
  const tokenid = String(params.tokenid);
  checkTokenAdmin(cfg, principal, userid);
  if (cfg.user(userid).tokens.has(tokenid)) throw parameterError({ tokenid: 'Token already exists.' });
  const info: TokenInfo = { privsep: params.privsep ?? 1 };
  if (params.expire !== undefined) info.expire = Number(params.expire);
  if (params.comment) info.comment = String(params.comment);
  const { value, fullTokenid } = cfg.addToken(userid, tokenid, info);
  return { info, value, 'full-tokenid': fullTokenid };
}

/** token_index: each token's info with its id. */
export function listTokens(cfg: UserConfig, principal: Principal, userid: string): Array<Record<string, unknown>> {
  checkTokenAdmin(cfg, principal, userid);
  const tokens = cfg.user(userid).tokens;
  return [...tokens.keys()].sort(byText).map((tokenid) => ({ ...tokens.get(tokenid), tokenid }));
}

export function readToken(cfg: UserConfig, principal: Principal, userid: string, tokenid: string): TokenInfo {
  checkTokenAdmin(cfg, principal, userid);
  return cfg.token(userid, tokenid);
}

/** remove_token (its secret and ACL entries go too). */
export function removeToken(cfg: UserConfig, principal: Principal, userid: string, tokenid: string): null {
  checkTokenAdmin(cfg, principal, userid);
  cfg.removeToken(userid, tokenid);
  return null;
}

/**
 * The token calls' check: `['or', ['userid-param', 'self'], ['userid-group', ['User.Modify']]]`. A token is never
 * its own user, so it needs User.Modify.
 */
function checkTokenAdmin(cfg: UserConfig, principal: Principal, userid: string): void {
  if (principal.userid === 'root@pam') return;
  if (principal.userid === userid && cfg.users.has(userid)) return;
  if (hasPrivilege(principal, '/access/groups', 'User.Modify') && cfg.users.has(userid)) return;
  throw new ApiError(403, 'Permission check failed');
}

function userData(user: UserEntry): Record<string, unknown> {
  const data: Record<string, unknown> = { enable: user.enable, expire: user.expire };
  for (const key of ['firstname', 'lastname', 'email', 'comment'] as const) if (user[key]) data[key] = user[key];
  return data;
}

function groupsOf(cfg: UserConfig, userid: string): string[] {
  return [...cfg.groups].filter(([, users]) => users.has(userid)).map(([group]) => group).sort(byText);
}
