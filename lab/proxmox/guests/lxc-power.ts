import { ApiError } from '../api/envelope';
import { requirePrivilege, type Principal } from '../access/auth';
import { toGuestConfig } from './guest-config';
import { failOnMissingBridge } from './bridge-plug';
import { checkLock } from './lock-check';
import { lxcConfigWarnings } from './lxc-config-warnings';
import type { NodeContext } from '../node-context';
import type { TaskLog } from '../node/tasks';

export type PowerAction = 'start' | 'stop' | 'shutdown' | 'reboot';

const TASK_TYPE: Record<PowerAction, string> = { start: 'vzstart', stop: 'vzstop', shutdown: 'vzshutdown', reboot: 'vzreboot' };

/**
 * POST .../status/{start|stop|shutdown|reboot} (PVE::API2::LXC::Status): the running check answers at once,
 * everything else (config lock, missing config, `lock:`) fails inside the worker, as in the real handlers.
 * vzreboot takes no config lock (vm_reboot does not).
 */
export function changePowerState(ctx: NodeContext, principal: Principal, vmid: number, action: PowerAction): string {
  requirePrivilege(principal, `/vms/${vmid}`, 'VM.PowerMgmt');
  const running = ctx.runtime.isRunning(vmid);
  if (action === 'start' && running) throw new ApiError(500, `CT ${vmid} already running`);
  if ((action === 'stop' || action === 'shutdown') && !running) throw new ApiError(500, `CT ${vmid} not running`);
  // vm_reboot really says "VM" here, unlike its siblings.
  if (action === 'reboot' && !running) throw new ApiError(500, `VM ${vmid} not running`);
  return ctx.tasks.start(TASK_TYPE[action], String(vmid), principal.userid, async (log) => {
    if (action === 'start') return startLocked(ctx, vmid, log);
    if (action === 'reboot') {
      await runStop(ctx, vmid, 'shutdown', false);
      return runStart(ctx, vmid, log);
    }
    await ctx.locks.withLock(vmid, () => runStop(ctx, vmid, action, true), { log });
  });
}

/** The vzstart worker: lock_config, then the start itself (also after a create with start=1). */
export function startLocked(ctx: NodeContext, vmid: number, log: TaskLog): Promise<void> {
  return ctx.locks.withLock(vmid, () => runStart(ctx, vmid, log), { log });
}

/** The vzstart worker body, under the config lock. */
export async function runStart(ctx: NodeContext, vmid: number, log: TaskLog): Promise<void> {
  const { conf } = ctx.store.load(vmid);
  checkLock(conf);
  // update_lxc_config runs first, so its warnings come before anything lxc-start prints.
  for (const warning of lxcConfigWarnings(conf)) log.log(warning);
  failOnMissingBridge(ctx, vmid, conf, log);
  await Promise.all([ctx.runtime.start(toGuestConfig(vmid, conf), { node: ctx.nodeName, kernel: ctx.kernel }), ctx.timing.wait(3000)]);
  ctx.startedAt.set(vmid, Date.now());
}

/** vzstop (hard, skips the lock check only with skiplock) and vzshutdown (clean). */
export async function runStop(ctx: NodeContext, vmid: number, kind: 'stop' | 'shutdown', checkConfigLock: boolean): Promise<void> {
  const { conf } = ctx.store.load(vmid);
  if (checkConfigLock) checkLock(conf);
  await Promise.all([ctx.runtime.stop(vmid), ctx.timing.wait(kind === 'stop' ? 2000 : 4000)]);
  ctx.startedAt.delete(vmid);
}
