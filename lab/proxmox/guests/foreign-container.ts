import type { PctConfig } from './conf-file';
import { toGuestConfig } from './guest-config';
import { completeNetConfig } from './net-config';
import type { NodeContext } from '../node-context';

/**
 * Lab fault: another operator's CT appears under `vmid` a moment before our create arrives (both read the same
 * /cluster/nextid): a complete config and a stopped guest, as their own finished create left them. Not counted
 * as a write: nobody under test made it.
 */
export async function createForeignContainer(ctx: NodeContext, vmid: number, hostname: string): Promise<void> {
  if (ctx.cluster.locate(vmid)) return;
  const template = ctx.storage.templates()[0]?.volid ?? 'local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst';
  const file = template.replace(/^[^:]+:vztmpl\//, '');
  const conf: PctConfig = {
    options: {
      arch: 'amd64',
      cores: '1',
      hostname,
      memory: '512',
      net0: completeNetConfig('name=eth0,bridge=vmbr0,ip=dhcp'),
      ostype: file.split(/[-_]/)[0] || 'unmanaged',
      rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G`,
      swap: '512',
      unprivileged: '1',
    },
    lxc: [],
  };
  await ctx.runtime.create({ config: toGuestConfig(vmid, conf), ostemplate: template });
  ctx.store.write(vmid, conf);
}
