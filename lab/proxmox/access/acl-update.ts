import { ApiError, parameterError } from '../api/envelope';
import type { Schema } from '../api/schema/property-spec';
import { hasPrivilege, requireAnyPrivilege, type Principal } from './auth';
import { TOKENID, USERID, type AclLine, type AclMemberType, type UserConfig } from './user-config';

const LIST = /^[^\s,;]+(?:[,;\s]+[^\s,;]+)*$/;

/** API2/ACL.pm update_acl's parameters. */
export const updateAclParameters: Schema = {
  path: { type: 'string' },
  roles: { type: 'string', pattern: LIST },
  users: { type: 'string', optional: true, pattern: LIST },
  groups: { type: 'string', optional: true, pattern: LIST },
  tokens: { type: 'string', optional: true, pattern: LIST },
  propagate: { type: 'boolean', optional: true },
  delete: { type: 'boolean', optional: true },
};

/**
 * PUT /access/acl (ACL.pm update_acl; `pveum acl modify|delete`): gives (or takes) each role on the path to each
 * user, group and token named. The caller needs perm-modify on the path; without Permissions.Modify it may only
 * hand out privileges it holds itself there. Errors inside the user.cfg lock carry `ACL update failed: `.
 */
export function updateAcl(cfg: UserConfig, principal: Principal, params: Record<string, string>): null {
  const path = normalizePath(params.path);
  if (path) checkPermModify(principal, path);
  if (!(params.users || params.groups || params.tokens)) {
    const required = "either 'users', 'groups' or 'tokens' is required.";
    throw parameterError({ users: required, groups: required, tokens: required });
  }
  const remove = params.delete === '1';
  if (!path || (!remove && !VALID_PATH.test(path))) throw parameterError({ path: `invalid ACL path '${params.path}'` });
  const propagate = params.propagate === undefined ? true : params.propagate === '1';
  const split = (text?: string) => (text ?? '').split(/[,;\s]+/).filter(Boolean);
  const failed = (message: string) => new ApiError(500, `ACL update failed: ${message}`);
  const held = principal.privileges.at(path);
  const roles = cfg.roles();
  const changes: Array<[AclMemberType, string, string]> = [];
  for (const role of split(params.roles)) {
    const privileges = roles.get(role);
    if (!privileges) throw failed(`role '${role}' does not exist`);
    if (!held.has('Permissions.Modify')) checkSubset(role, privileges, held, remove, propagate, failed);
    for (const group of split(params.groups)) {
      if (!cfg.groups.has(group)) throw failed(`group '${group}' does not exist`);
      changes.push(['group', group, role]);
    }
    for (const user of split(params.users)) {
      if (!USERID.test(user)) throw failed(`value '${user}' does not look like a valid user name`);
      if (!cfg.users.has(user)) throw failed(`user '${user}' does not exist`);
      changes.push(['user', user, role]);
    }
    for (const token of split(params.tokens)) {
      const [, owner, name] = token.match(TOKENID) ?? [];
      if (!owner) throw failed(`'${token}' is not a valid token ID - not able to split into user and token parts`);
      try {
        cfg.token(owner, name);
      } catch (error) {
        throw failed((error as Error).message);
      }
      changes.push(['token', token, role]);
    }
  }
  // Written only when every role and member checked out, as the locked code writes user.cfg at its end.
  for (const [type, ugid, role] of changes) {
    if (remove) cfg.deleteAcl(path, type, ugid, role);
    else cfg.setAcl(path, type, ugid, role, propagate);
  }
  return null;
}

/** GET /access/acl (read_acl): the entries on paths where the caller has Sys.Audit on /access or may modify permissions. */
export function readAcl(cfg: UserConfig, principal: Principal): AclLine[] {
  const audit = hasPrivilege(principal, '/access', 'Sys.Audit');
  return cfg.aclLines().filter((line) => audit || mayModify(principal, line.path));
}

/** AccessControl.pm normalize_path: `//vms/` -> `/vms`, `vms/102` -> `/vms/102`; undefined for other characters. */
export function normalizePath(text: string): string | undefined {
  if (!text) return undefined;
  let path = text.replace(/\/+/g, '/').replace(/\/$/, '') || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  return /^[A-Za-z0-9.\-_/]+$/.test(path) ? path : undefined;
}

/** AccessControl.pm check_path: the paths an ACL may be set on. */
const VALID_PATH = new RegExp(
  '^(?:/|/access|/access/groups|/access/groups/[\\w.\\-]+|/access/realm|/access/realm/[\\w.\\-]+|/nodes|/nodes/[\\w.\\-]+' +
    '|/pool|/pool/[A-Za-z0-9.\\-_]+(?:/[A-Za-z0-9.\\-_]+){0,2}|/sdn|/sdn/controllers|/sdn/controllers/[\\w\\-]+|/sdn/dns|/sdn/dns/[A-Za-z0-9]+' +
    '|/sdn/ipams|/sdn/ipams/[A-Za-z0-9]+|/sdn/zones|/sdn/zones/[\\w.\\-]+|/sdn/zones/[\\w.\\-]+/[\\w.\\-]+|/sdn/zones/[\\w.\\-]+/[\\w.\\-]+/[1-9][0-9]{0,3}' +
    '|/storage|/storage/[\\w.\\-]+|/vms|/vms/[1-9][0-9]{2,}|/mapping|/mapping/[\\w.\\-]+|/mapping/[\\w.\\-]+/[\\w.\\-]+)$',
);

/** RPCEnvironment.pm check_perm_modify: Permissions.Modify, or the allocate privilege of the path's kind. */
function permModifyPrivileges(path: string): string[] {
  if (/^\/storage\/.+$/.test(path)) return ['Permissions.Modify', 'Datastore.Allocate'];
  if (/^\/vms\/.+$/.test(path)) return ['Permissions.Modify', 'VM.Allocate'];
  if (/^\/pool\/.+$/.test(path)) return ['Permissions.Modify', 'Pool.Allocate'];
  return ['Permissions.Modify'];
}

function checkPermModify(principal: Principal, path: string): void {
  requireAnyPrivilege(principal, path, permModifyPrivileges(path));
}

function mayModify(principal: Principal, path: string): boolean {
  return permModifyPrivileges(path).some((privilege) => hasPrivilege(principal, path, privilege));
}

/** Without Permissions.Modify a role may be handed out only if the caller holds (and, to propagate it, propagates) all of it. */
function checkSubset(role: string, privileges: ReadonlySet<string>, held: ReadonlyMap<string, boolean>, remove: boolean, propagate: boolean, failed: (message: string) => ApiError): void {
  const verb = remove ? 'remove' : 'add';
  // raise_param_exc inside lock_user_config comes out stringified, behind the lock's own prefix.
  const refuse = (text: string) => failed(`400 Parameter verification failed.\nrole: ${text}`);
  for (const privilege of privileges) {
    if (!held.has(privilege)) throw refuse(`Cannot ${verb} role '${role}' - requires 'Permissions.Modify' or superset of privileges.`);
    if (propagate && !held.get(privilege) && !remove) throw refuse(`Cannot ${verb} role '${role}' with propagation - requires 'Permissions.Modify' or propagated superset of privileges.`);
  }
  if (role === 'NoAccess') throw refuse(`Cannot ${verb} role '${role}' - requires 'Permissions.Modify'`);
}
