import { randomBytes } from 'node:crypto';

/** PVE 8 generates container MACs under Proxmox's own OUI BC:24:11. */
export function generateHardwareAddress(): string {
  return ['BC', '24', '11', ...[...randomBytes(3)].map((b) => b.toString(16).toUpperCase().padStart(2, '0'))].join(':');
}
