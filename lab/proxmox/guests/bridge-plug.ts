import type { PctConfig } from './conf-file';
import { parsePropertyString } from '../api/schema/property-string';
import { netFormat } from '../api/schema/lxc-options';
import type { NodeContext } from '../node-context';
import type { TaskLog } from '../node/tasks';

/**
 * What lxc-start meets when a netN's bridge is not on the node: pve-container's network up hook (src/lxcnetaddbr)
 * dies `bridge 'vmbr9' does not exist` (ENOENT from /sys/class/net/vmbr9/mtu, exit status 2), which LXC 6.0.0
 * keeps at DEBUG level (utils.c run_buffer reads the hook's stdout and stderr); its ERROR lines follow, and
 * pve-container prints them from /run/pve/ct-<vmid>.stderr without the `lxc-start: <vmid>: <file>:` prefix
 * (LXC.pm print_ct_stderr_log) before `startup for container '<vmid>' failed` (monitor_start).
 */
export function failOnMissingBridge(ctx: NodeContext, vmid: number, conf: PctConfig, log: TaskLog): void {
  for (const key of Object.keys(conf.options).filter((option) => /^net\d+$/.test(option)).sort()) {
    const bridge = bridgeOf(conf.options[key]);
    if (bridge === undefined || ctx.interfaces.hasBridge(bridge)) continue;
    log.log('run_buffer: 571 Script exited with status 2');
    log.log('lxc_create_network_priv: 3463 No such device - Failed to create network device');
    log.log('lxc_spawn: 1847 Failed to create the network');
    log.log(`__lxc_start: 2114 Failed to spawn container "${vmid}"`);
    throw new Error(`startup for container '${vmid}' failed`);
  }
}

function bridgeOf(net: string): string | undefined {
  try {
    return parsePropertyString(net, netFormat).bridge;
  } catch {
    return undefined;
  }
}
