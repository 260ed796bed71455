import { ApiError, parameterError } from '../api/envelope';
import type { Principal } from '../access/auth';
import { checkConfigChangePermission } from '../access/config-permissions';
import { checkLock } from './lock-check';
import { completeNetConfig } from './net-config';
import type { NodeContext } from '../node-context';
import type { TaskLog } from '../node/tasks';
import { isKnownOption, typedOptionValue } from '../api/schema/lxc-options';

/** GET .../config: typed options, `digest`, the description, and raw lines as `lxc: [[key, value], ...]`. */
export function readContainerConfig(ctx: NodeContext, vmid: number): Record<string, unknown> {
  const { conf, digest } = ctx.store.load(vmid);
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(conf.options)) result[key] = typedOptionValue(key, value);
  if (conf.description !== undefined) result.description = conf.description;
  if (conf.lxc.length > 0) result.lxc = conf.lxc.map(([k, v]) => [k, v]);
  result.digest = digest;
  return result;
}

/**
 * update_vm (PUT .../config, also `pct set`): answers when done (no task). Under the config lock it refuses a
 * locked CT, a stale digest, and changes the caller may not make. Parameters are already verified.
 */
export async function updateContainerConfig(ctx: NodeContext, principal: Principal, vmid: number, params: Record<string, string>, stderr?: TaskLog): Promise<void> {
  const { node: _node, vmid: _vmid, digest, delete: deleteList, revert: _revert, ...changes } = params;
  if (Object.keys(changes).length === 0 && deleteList === undefined) throw new ApiError(500, 'no options specified');
  const deleted = (deleteList ?? '').split(/[,;\s]+/).filter(Boolean);
  // The handler itself takes the config lock: a held lock delays the answer, a timeout is a sync 500. Its
  // "trying to acquire lock..." goes to STDERR: the daemon's log for the API, the terminal for pct.
  await ctx.locks.withLock(vmid, () => applyUpdate(ctx, principal, vmid, digest, deleted, changes), { log: stderr });
}

function applyUpdate(ctx: NodeContext, principal: Principal, vmid: number, digest: string | undefined, deleted: string[], changes: Record<string, string>): void {
  const { conf, digest: current } = ctx.store.load(vmid);
  checkLock(conf);
  // PVE::Tools::assert_if_modified
  if (digest !== undefined && digest !== current) {
    throw new ApiError(500, 'detected modified configuration - file changed by other user? Try again.');
  }
  const unprivileged = conf.options.unprivileged === '1';
  checkConfigChangePermission(principal, vmid, conf.options, {}, deleted, unprivileged);
  for (const opt of deleted) {
    if (!isKnownOption(opt)) throw parameterError({ delete: `unknown option '${opt}'` });
    if (changes[opt] !== undefined) throw parameterError({ delete: `you can't use '-${opt}' and -delete ${opt}' at the same time` });
  }
  checkConfigChangePermission(principal, vmid, conf.options, changes, [], unprivileged);

  for (const opt of deleted) delete conf.options[opt];
  for (const [key, value] of Object.entries(changes)) {
    if (key === 'description') conf.description = value;
    else conf.options[key] = /^net\d+$/.test(key) ? completeNetConfig(value, conf.options[key]) : value;
  }
  if (deleted.includes('description')) delete conf.description;
  ctx.store.write(vmid, conf);
}
