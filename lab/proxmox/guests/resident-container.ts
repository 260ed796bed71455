import type { NodeContext } from '../node-context';
import type { PctConfig } from './conf-file';
import { generateHardwareAddress } from './hardware-address';
import type { NodeGuests } from './node-guests';

/** A container that was already running on the node when the lab started (see NodeGuests). */
export interface ResidentContainerSpec {
  vmid: number;
  hostname: string;
  /** `192.168.2.20/24` */
  cidr: string;
  gateway: string;
  cores: number;
  memoryMiB: number;
  diskGiB: number;
  /** e.g. 'nesting=1,keyctl=1,fuse=1' */
  features?: string;
  /** Raw `lxc.*` lines in file order. */
  rawLxc?: Array<[string, string]>;
  unprivileged?: boolean;
}

/**
 * Puts a resident container on the node: its /etc/pve/lxc/VMID.conf as pct create and a later `pct set` would have
 * left it (privileged, on local-lvm, vmbr0, onboot), running since the node booted.
 */
export function addResidentContainer(ctx: NodeContext & { runtime: NodeGuests }, spec: ResidentContainerSpec, bootedAt: number): void {
  const hwaddr = generateHardwareAddress();
  const conf: PctConfig = {
    options: {
      arch: 'amd64',
      cores: String(spec.cores),
      ...(spec.features ? { features: spec.features } : {}),
      hostname: spec.hostname,
      memory: String(spec.memoryMiB),
      nameserver: spec.gateway,
      net0: `name=eth0,bridge=vmbr0,gw=${spec.gateway},hwaddr=${hwaddr},ip=${spec.cidr},type=veth`,
      onboot: '1',
      ostype: 'ubuntu',
      rootfs: `local-lvm:vm-${spec.vmid}-disk-0,size=${spec.diskGiB}G`,
      swap: '512',
      ...(spec.unprivileged ? { unprivileged: '1' } : {}),
    },
    lxc: spec.rawLxc ?? [],
  };
  ctx.store.write(spec.vmid, conf, bootedAt);
  ctx.runtime.addResident({ vmid: spec.vmid, ip: spec.cidr.split('/')[0], hwaddr });
  ctx.startedAt.set(spec.vmid, bootedAt);
}
