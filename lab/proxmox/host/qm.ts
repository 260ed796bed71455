import { defineCommand, type Command } from 'just-bash';
import { vmStatus } from '../api/routes/qemu';
import type { NodeContext } from '../node-context';
import { fail, ok } from './cli-options';

/**
 * `qm list` and `qm config VMID` on the node (qemu-server PVE/CLI/qm.pm): the node's own QEMU VMs only, as pct sees
 * only its containers. Nothing else of qm is emulated.
 */
export function qmCommand(ctx: NodeContext): Command {
  return defineCommand('qm', async (args) => {
    const [sub, vmidText] = args;
    try {
      if (sub === 'list') return ok(listVms(ctx));
      if (sub === 'config' && vmidText) {
        const config = ctx.qemu.config(parseInt(vmidText, 10));
        return ok(Object.keys(config).filter((key) => key !== 'digest').sort().map((key) => `${key}: ${config[key]}\n`).join(''));
      }
    } catch (error) {
      return fail((error as Error).message);
    }
    return fail(`ERROR: unknown command 'qm ${args.join(' ')}'\nUSAGE: qm <COMMAND> [ARGS] [OPTIONS]`);
  });
}

/** qm.pm list: `%10s %-20s %-10s %-10s %12s %-10s` under VMID NAME STATUS MEM(MB) BOOTDISK(GB) PID. */
function listVms(ctx: NodeContext): string {
  const vmids = ctx.qemu.vmids();
  if (!vmids.length) return '';
  const row = (cells: string[]) => `${cells[0].padStart(10)} ${cells[1].padEnd(20)} ${cells[2].padEnd(10)} ${cells[3].padEnd(10)} ${cells[4].padStart(12)} ${cells[5].padEnd(10)}\n`;
  let out = row(['VMID', 'NAME', 'STATUS', 'MEM(MB)', 'BOOTDISK(GB)', 'PID']);
  for (const vmid of vmids) {
    const s = vmStatus(ctx, vmid);
    out += row([String(vmid), String(s.name), String(s.status), String(Number(s.maxmem) / 1024 ** 2), (Number(s.maxdisk) / 1024 ** 3).toFixed(2), String(s.pid ?? 0)]);
  }
  return out;
}
