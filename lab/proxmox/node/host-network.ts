import { randomBytes } from 'node:crypto';

/** One interface of /etc/network/interfaces as GET /nodes/{node}/network lists it (PVE::INotify's parser). */
export interface HostInterface {
  iface: string;
  type: 'bridge' | 'eth' | 'bond' | 'vlan';
  [key: string]: unknown;
}

/**
 * A node's network as a fresh PVE 8 install writes it: the physical NIC `eno1` enslaved to the bridge `vmbr0`,
 * which carries the node's address on the LAN and the default route.
 *
 *   iface eno1 inet manual
 *   auto vmbr0
 *   iface vmbr0 inet static
 *       address 192.168.2.10/24
 *       gateway 192.168.2.1
 *       bridge-ports eno1
 *       bridge-stp off
 *       bridge-fd 0
 */
export class HostNetwork {
  /** vmbr0 takes eno1's MAC, as a Linux bridge takes its first port's. */
  readonly hwaddr = generateNicAddress();

  constructor(
    readonly hostIp: string,
    readonly gateway = '192.168.2.1',
  ) {}

  interfaces(): HostInterface[] {
    return [
      { iface: 'eno1', type: 'eth', method: 'manual', method6: 'manual', families: ['inet'], exists: 1, active: 1, priority: 3 },
      {
        iface: 'vmbr0',
        type: 'bridge',
        method: 'static',
        method6: 'manual',
        families: ['inet'],
        autostart: 1,
        active: 1,
        priority: 4,
        address: this.hostIp,
        netmask: '24',
        cidr: `${this.hostIp}/24`,
        gateway: this.gateway,
        bridge_ports: 'eno1',
        bridge_stp: 'off',
        bridge_fd: '0',
      },
    ];
  }

  /** Whether /sys/class/net/<name> is a bridge (what lxcnetaddbr reads the bridge's mtu from). */
  hasBridge(name: string): boolean {
    return this.interfaces().some((entry) => entry.iface === name && entry.type === 'bridge');
  }
}

/** A NIC's MAC under an Intel OUI (a node's onboard eno1). */
function generateNicAddress(): string {
  return ['a8', 'a1', '59', ...[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0'))].join(':').toUpperCase();
}
