import { generateHardwareAddress } from './hardware-address';
import { parsePropertyString, printPropertyString } from '../api/schema/property-string';
import { netFormat } from '../api/schema/lxc-options';

/** update_pct_config for netN: keeps an existing MAC, generates one otherwise, and always writes type=veth. */
export function completeNetConfig(value: string, previous?: string): string {
  const net = parsePropertyString(value, netFormat);
  const oldHwaddr = previous ? tryHwaddr(previous) : undefined;
  net.hwaddr ??= oldHwaddr ?? generateHardwareAddress();
  net.type = 'veth';
  return printPropertyString(net, ['name']);
}

function tryHwaddr(value: string): string | undefined {
  try {
    return parsePropertyString(value, netFormat).hwaddr;
  } catch {
    return undefined;
  }
}
