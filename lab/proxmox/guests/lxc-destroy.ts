import { ApiError } from '../api/envelope';
import { requirePrivilege, type Principal } from '../access/auth';
import { checkLock } from './lock-check';
import { runStop } from './lxc-power';
import type { NodeContext } from '../node-context';
import type { TaskLog } from '../node/tasks';

export interface DestroyOptions {
  force?: boolean;
  purge?: boolean;
  destroyUnreferencedDisks?: boolean;
}

/**
 * DELETE /nodes/{node}/lxc/{vmid} (destroy_vm): early checks answer at once (no lock), the rest runs as vzdestroy
 * under the config lock, rechecking the same things.
 */
export function destroyContainer(ctx: NodeContext, principal: Principal, vmid: number, options: DestroyOptions): string {
  requirePrivilege(principal, `/vms/${vmid}`, 'VM.Allocate');
  checkLock(ctx.store.load(vmid).conf);
  const runningError = `unable to destroy CT ${vmid} - container is running`;
  if (!options.force && ctx.runtime.isRunning(vmid)) throw new ApiError(500, runningError);
  const destroy = async (log: TaskLog) => {
    const { conf } = ctx.store.load(vmid);
    checkLock(conf);
    if (ctx.runtime.isRunning(vmid)) {
      if (!options.force) throw new Error(runningError);
      log.warn(`forced to stop CT ${vmid} before destroying!`);
      await runStop(ctx, vmid, 'stop', false);
    }
    const [, storage, volume] = conf.options.rootfs?.match(/^([^:,]+):([^,]+)/) ?? [];
    await Promise.all([ctx.runtime.destroy(vmid), ctx.timing.wait(2000)]);
    // lvremove says so; removing an image file from a directory storage prints nothing.
    if (volume && ctx.storage.list().find((st) => st.storage === storage)?.type === 'lvmthin') log.log(`  Logical volume "${volume}" successfully removed.`);
    // pve-container API2/LXC.pm destroy_vm -> pve-access-control remove_vm_access: always, purge or not.
    ctx.users.removeVmAccess(vmid);
    if (options.purge) log.log(`purging CT ${vmid} from related configurations..`);
    ctx.store.remove(vmid);
  };
  return ctx.tasks.start('vzdestroy', String(vmid), principal.userid, (log) => ctx.locks.withLock(vmid, () => destroy(log), { log }));
}
