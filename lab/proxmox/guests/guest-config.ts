import type { LxcGuestConfig } from '../../contracts/container-runtime';
import type { PctConfig } from './conf-file';
import { parsePropertyString } from '../api/schema/property-string';
import { featuresFormat, netFormat, rootfsFormat } from '../api/schema/lxc-options';

/** The parsed config as the container runtime reads it when it creates or starts a guest. */
export function toGuestConfig(vmid: number, conf: PctConfig): LxcGuestConfig {
  const o = conf.options;
  const net0 = o.net0 ? tryParse(o.net0, netFormat) : undefined;
  const rootfs = o.rootfs ? tryParse(o.rootfs, rootfsFormat) : undefined;
  return {
    vmid,
    hostname: o.hostname ?? `CT${vmid}`,
    cores: o.cores ? parseInt(o.cores, 10) : 0,
    memoryMiB: o.memory ? parseInt(o.memory, 10) : 512,
    swapMiB: o.swap ? parseInt(o.swap, 10) : 512,
    rootfsGiB: rootfs?.size ? sizeInGiB(rootfs.size) : 4,
    net0: net0
      ? { name: net0.name, bridge: net0.bridge ?? 'vmbr0', ip: net0.ip, gw: net0.gw, hwaddr: net0.hwaddr ?? '' }
      : undefined,
    nameserver: o.nameserver,
    features: o.features ? tryParse(o.features, featuresFormat) ?? {} : {},
    rawLxc: conf.lxc.map(([k, v]) => [k, v] as [string, string]),
    unprivileged: o.unprivileged === '1',
  };
}

/** `50G` → 50; PVE writes sizes with a unit suffix (K, M, G, T). */
export function sizeInGiB(size: string): number {
  const m = size.match(/^(\d+(?:\.\d+)?)([KMGT]?)$/);
  if (!m) return 0;
  const factor = { '': 1 / 1024 ** 3, K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024 }[m[2] as '' | 'K' | 'M' | 'G' | 'T'];
  return parseFloat(m[1]) * factor;
}

// A hand-edited file may hold a value the schema refuses; real LXC start would fail later, the lab reads leniently.
function tryParse(value: string, format: Parameters<typeof parsePropertyString>[1]): Record<string, string> | undefined {
  try {
    return parsePropertyString(value, format);
  } catch {
    return undefined;
  }
}
