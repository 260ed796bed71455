import type { NodeContext } from '../node-context';

type NeighbourState = 'REACHABLE' | 'STALE' | 'FAILED';

/** `a8:a1:59:12:34:56`: how iproute2 prints a MAC. */
const lower = (mac: string) => mac.toLowerCase();

/**
 * The node's neighbour (ARP) table on vmbr0: who answered ARP and with which MAC, and who did not. Filled by what
 * the node talks to (its gateway, its cluster peers, what it pings); `ip neigh` prints it.
 */
export class Neighbours {
  private readonly entries = new Map<string, { hwaddr?: string; state: NeighbourState }>();
  private seeded = false;

  constructor(private readonly ctx: NodeContext) {}

  /** The node's own addresses never go through ARP. */
  isOwn(ip: string): boolean {
    return ip === this.ctx.hostIp || ip.startsWith('127.');
  }

  /** ARP for `ip` on the LAN: its MAC if something answers (the entry turns REACHABLE), else the entry FAILS. */
  resolve(ip: string): string | undefined {
    this.seed();
    if (!this.ctx.network.hasHost(ip)) {
      this.entries.set(ip, { state: 'FAILED' });
      return undefined;
    }
    const hwaddr = this.hardwareAddress(ip);
    this.entries.set(ip, { hwaddr, state: 'REACHABLE' });
    return hwaddr;
  }

  /** What the kernel has learnt before anyone asks: the gateway, and the cluster's other nodes (corosync). */
  private seed(): void {
    if (this.seeded) return;
    this.seeded = true;
    for (const ip of [this.ctx.interfaces.gateway, ...this.ctx.cluster.nodes().map((node) => node.hostIp)]) {
      if (!this.isOwn(ip) && this.ctx.network.hasHost(ip)) this.entries.set(ip, { hwaddr: this.hardwareAddress(ip), state: 'REACHABLE' });
    }
  }

  /** `ip neigh show [ADDR]` lines (iproute2): `192.168.2.1 dev vmbr0 lladdr 3c:2a:f4:00:00:01 REACHABLE`. */
  lines(only?: string): string[] {
    this.seed();
    return [...this.entries]
      .filter(([ip]) => !only || ip === only)
      .map(([ip, { hwaddr, state }]) => `${ip} dev vmbr0 ${hwaddr ? `lladdr ${lower(hwaddr)} ` : ''}${state}`);
  }

  /** Whose MAC answers at `ip`: a node's vmbr0, a guest's configured netN, a LAN device's. */
  private hardwareAddress(ip: string): string {
    for (const node of this.ctx.cluster.nodes()) {
      if (node.hostIp === ip) return node.interfaces.hwaddr;
      for (const vmid of node.store.vmids()) {
        for (const [key, value] of Object.entries(node.store.load(vmid).conf.options)) {
          if (/^net\d+$/.test(key) && value.includes(`ip=${ip}/`)) return value.match(/hwaddr=([0-9A-Fa-f:]{17})/)?.[1] ?? fallback(ip);
        }
      }
    }
    return this.ctx.network.device(ip)?.hwaddr ?? fallback(ip);
  }
}

/** A locally administered MAC made from the address, for a listener the lab knows no MAC of. */
function fallback(ip: string): string {
  return ['02', '00', ...ip.split('.').map((part) => Number(part).toString(16).padStart(2, '0'))].join(':').toUpperCase();
}
