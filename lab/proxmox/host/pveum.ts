import { defineCommand, type Command } from 'just-bash';
import { readAcl, updateAcl, updateAclParameters } from '../access/acl-update';
import { ROOT } from '../access/auth';
import { effectivePermissions, permissionsAt } from '../access/effective-permissions';
import { permissionsOf } from '../access/acl';
import { byText, type UserConfig } from '../access/user-config';
import {
  createUser, createUserParameters, generateToken, generateTokenParameters, listTokens, listUsers, removeToken, tokenParameters, useridSpec,
} from '../access/users-and-tokens';
import type { Schema } from '../api/schema/property-spec';
import { verifyParameters } from '../api/schema/verify-parameters';
import { canonicalJson, keyValueTable, textTable, type Column } from './cli-table';
import { describe, fail, ok, parseOptions, splitArguments, type Output } from './cli-options';

/** CLIFormatter's options every listing takes ($PVE::RESTHandler::standard_output_options). */
const OUTPUT_OPTIONS: Schema = {
  'output-format': { type: 'string', optional: true, enum: ['text', 'json', 'json-pretty', 'yaml'] },
  noborder: { type: 'boolean', optional: true },
  noheader: { type: 'boolean', optional: true },
  'human-readable': { type: 'boolean', optional: true },
  quiet: { type: 'boolean', optional: true },
};

interface Subcommand {
  /** Positional arguments, in order, as the short usage names them. */
  args: string[];
  /** Required options the short usage shows, e.g. `--roles <string>`. */
  required?: string;
  schema: Schema;
  writes?: boolean;
  run(params: Record<string, string>, cfg: UserConfig): Output;
}

/**
 * `pveum` on the node (pve-access-control src/PVE/CLI/pveum.pm): the same handlers as the API, run as root@pam,
 * printing what CLIFormatter prints (a UTF-8 table, or JSON with --output-format json).
 */
export function pveumCommand(cfg: UserConfig, countWrite: () => void): Command {
  return defineCommand('pveum', async (argv) => {
    const { name, rest } = resolve(argv);
    const sub = name ? SUBCOMMANDS[name] : undefined;
    if (!name || !sub) return fail(`ERROR: unknown command 'pveum ${argv.join(' ')}'\nUSAGE: pveum <COMMAND> [ARGS] [OPTIONS]`);
    const usage = ['pveum', name, ...sub.args.map((arg) => `<${arg}>`), sub.required, '[OPTIONS]'].filter(Boolean).join(' ');
    try {
      const { positional, options } = splitArguments(rest, sub.schema);
      if (positional.length < sub.args.length) return fail(`400 not enough arguments\n${usage}`);
      if (positional.length > sub.args.length) return fail(`400 too many arguments\n${usage}`);
      const params = { ...Object.fromEntries(sub.args.map((arg, i) => [arg, positional[i]])), ...parseOptions(options, sub.schema) };
      verifyParameters(params, sub.schema);
      if (sub.writes) countWrite();
      return sub.run(params, cfg);
    } catch (error) {
      return fail(describe(error, usage));
    }
  });
}

/** pveum's aliases (useradd, aclmod, acldel, token remove) and its nested commands. */
function resolve(argv: string[]): { name?: string; rest: string[] } {
  const aliases: Record<string, string> = { useradd: 'user add', aclmod: 'acl modify', acldel: 'acl delete' };
  const words = aliases[argv[0]] ? [...aliases[argv[0]].split(' '), ...argv.slice(1)] : argv;
  for (const length of [3, 2]) {
    const name = words.slice(0, length).join(' ').replace(/^user token remove$/, 'user token delete');
    if (SUBCOMMANDS[name]) return { name, rest: words.slice(length) };
  }
  return { rest: [] };
}

const withOutput = (schema: Schema): Schema => ({ ...schema, ...OUTPUT_OPTIONS });

/** CLIFormatter.pm print_api_result: a table by default, JSON (sorted keys) on request. */
function printed(data: unknown, params: Record<string, string>, table: () => string): Output {
  if (params.quiet === '1') return ok();
  if (params['output-format'] === 'json') return ok(`${canonicalJson(data)}\n`);
  if (params['output-format'] === 'json-pretty') return ok(`${JSON.stringify(sortKeys(data), null, 3)}\n`);
  return ok(table());
}

const tableOptions = (params: Record<string, string>) => ({ noborder: params.noborder === '1', noheader: params.noheader === '1' });

/** pveum.pm $print_perm_result: one row per path, privileges one per line, `(*)` where they propagate. */
function permissionTable(data: Record<string, Record<string, 1 | 0>>, params: Record<string, string>): Output {
  return printed(data, params, () => {
    const rows = Object.keys(data)
      .sort(byText)
      .map((path) => ({ path, permissions: Object.keys(data[path]).sort(byText).map((p) => `${p}${data[path][p] ? ' (*)' : ''}`).join('\n') }));
    const table = textTable(rows, [{ key: 'path', title: 'ACL path' }, { key: 'permissions', title: 'Permissions' }], tableOptions(params));
    return `${table}Permissions marked with '(*)' have the 'propagate' flag set.\n`;
  });
}

const USER_COLUMNS: Column[] = [
  { key: 'userid' }, { key: 'comment' }, { key: 'email' }, { key: 'enable', type: 'boolean' }, { key: 'expire', type: 'integer' }, { key: 'firstname' },
  { key: 'groups' }, { key: 'keys' }, { key: 'lastname' }, { key: 'realm-type' }, { key: 'tfa-locked-until', type: 'integer' }, { key: 'tokens', type: 'object' },
  { key: 'totp-locked', type: 'boolean' },
];

const SUBCOMMANDS: Record<string, Subcommand> = {
  'user add': {
    args: ['userid'],
    schema: createUserParameters,
    writes: true,
    run: (params, cfg) => (createUser(cfg, ROOT, params), ok()),
  },
  'user list': {
    args: [],
    schema: withOutput({ enabled: { type: 'boolean', optional: true }, full: { type: 'boolean', optional: true } }),
    run: (params, cfg) => {
      const users = listUsers(cfg, ROOT, params.full === '1').filter((user) => params.enabled === undefined || Boolean(user.enable) === (params.enabled === '1'));
      return printed(users, params, () => textTable(users, USER_COLUMNS, tableOptions(params)));
    },
  },
  'user permissions': {
    args: [],
    schema: withOutput({ userid: { ...useridSpec, optional: true }, path: { type: 'string', optional: true } }),
    run: (params, cfg) => permissionTable(permissionsFor(cfg, params.userid ?? 'root@pam', params.path), params),
  },
  'user token add': {
    args: ['userid', 'tokenid'],
    schema: withOutput(generateTokenParameters),
    writes: true,
    run: (params, cfg) => {
      // The CLI parses booleans to numbers (get_options), so privsep is 1 or 0 in the answer, never "1".
      const { privsep, ...rest } = params;
      const result = generateToken(cfg, ROOT, { ...rest, ...(privsep !== undefined ? { privsep: Number(privsep) } : {}) });
      return printed(result, params, () => keyValueTable(result, { info: 'object' }, tableOptions(params)));
    },
  },
  'user token list': {
    args: ['userid'],
    schema: withOutput({ userid: useridSpec }),
    run: (params, cfg) => {
      const tokens = listTokens(cfg, ROOT, params.userid);
      const columns: Column[] = [{ key: 'tokenid' }, { key: 'comment' }, { key: 'expire', type: 'integer' }, { key: 'privsep', type: 'boolean' }];
      return printed(tokens, params, () => (tokens.length ? textTable(tokens, columns, tableOptions(params)) : ''));
    },
  },
  'user token delete': {
    args: ['userid', 'tokenid'],
    schema: tokenParameters,
    writes: true,
    run: (params, cfg) => (removeToken(cfg, ROOT, params.userid, params.tokenid), ok()),
  },
  'user token permissions': {
    args: ['userid', 'tokenid'],
    schema: withOutput({ ...tokenParameters, path: { type: 'string', optional: true } }),
    run: (params, cfg) => permissionTable(permissionsFor(cfg, `${params.userid}!${params.tokenid}`, params.path), params),
  },
  'acl modify': {
    args: ['path'],
    required: '--roles <string>',
    schema: { ...updateAclParameters, delete: { type: 'boolean', optional: true } },
    writes: true,
    run: (params, cfg) => (updateAcl(cfg, ROOT, { ...params, delete: '0' }), ok()),
  },
  'acl delete': {
    args: ['path'],
    required: '--roles <string>',
    schema: updateAclParameters,
    writes: true,
    run: (params, cfg) => (updateAcl(cfg, ROOT, { ...params, delete: '1' }), ok()),
  },
  'acl list': {
    args: [],
    schema: withOutput({}),
    run: (params, cfg) => {
      const lines: Array<Record<string, unknown>> = readAcl(cfg, ROOT).map((line) => ({ ...line }));
      const columns: Column[] = [{ key: 'path' }, { key: 'roleid' }, { key: 'type' }, { key: 'ugid' }, { key: 'propagate', type: 'boolean' }];
      return printed(lines, params, () => (lines.length ? textTable(lines, columns, tableOptions(params)) : ''));
    },
  },
  'role list': {
    args: [],
    schema: withOutput({}),
    run: (params, cfg) => {
      const roles = [...cfg.roles()].map(([roleid, privileges]) => ({ roleid, privs: [...privileges].sort(byText).join(','), special: cfg.isBuiltInRole(roleid) ? 1 : 0 }));
      return printed(roles, params, () => textTable(roles, [{ key: 'roleid' }, { key: 'privs' }, { key: 'special', type: 'boolean' }], tableOptions(params)));
    },
  },
};

/** API2/AccessControl.pm permissions, as root asks it for anyone: one path, or the whole tree. */
function permissionsFor(cfg: UserConfig, userid: string, path?: string) {
  const view = permissionsOf(cfg, userid);
  return path ? { [path]: permissionsAt(view, path) } : effectivePermissions(view, cfg.aclPaths());
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  return value;
}
