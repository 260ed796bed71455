import type { NodeContext } from '../../node-context';
import { toGuestConfig } from '../../guests/guest-config';

const MiB = 1024 * 1024;

/** PVE::LXC::vmstatus for one CT, as status/current, the CT list and cluster resources report it. */
export function containerStatus(ctx: NodeContext, vmid: number): Record<string, unknown> {
  const { conf } = ctx.store.load(vmid);
  const guest = toGuestConfig(vmid, conf);
  const running = ctx.runtime.isRunning(vmid);
  const started = ctx.startedAt.get(vmid);
  return {
    vmid,
    type: 'lxc',
    name: conf.options.hostname ?? `CT${vmid}`,
    status: running ? 'running' : 'stopped',
    cpus: guest.cores || 16,
    cpu: running ? 0.0042 : 0,
    maxmem: guest.memoryMiB * MiB,
    mem: running ? Math.round(guest.memoryMiB * MiB * 0.08) : 0,
    maxswap: guest.swapMiB * MiB,
    swap: 0,
    maxdisk: Math.round(guest.rootfsGiB * 1024 * MiB),
    disk: running ? Math.round(guest.rootfsGiB * 1024 * MiB * 0.03) : 0,
    uptime: running && started ? Math.floor((Date.now() - started) / 1000) : 0,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
    ha: { managed: 0 },
    ...(running ? { pid: 10000 + vmid } : {}),
    ...(conf.options.lock ? { lock: conf.options.lock } : {}),
    ...(conf.options.tags ? { tags: conf.options.tags } : {}),
  };
}
