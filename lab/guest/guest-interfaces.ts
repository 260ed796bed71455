import type { LxcGuestConfig } from '../contracts/container-runtime';
import { guestAddress } from './guest-view';

export interface GuestInterface {
  index: number;
  name: string;
  hwaddr: string;
  inet?: string;
  inet6?: string;
  /** The host-side veth index (eth0@if<N>). */
  peerIndex?: number;
}

/** lo and, when net0 is configured, eth0 with its static address and the EUI-64 link-local address. */
export function guestInterfaces(config: LxcGuestConfig): GuestInterface[] {
  const interfaces: GuestInterface[] = [{ index: 1, name: 'lo', hwaddr: '00:00:00:00:00:00', inet: '127.0.0.1/8', inet6: '::1/128' }];
  if (config.net0) {
    const address = guestAddress(config);
    interfaces.push({
      index: 2,
      name: config.net0.name,
      hwaddr: config.net0.hwaddr.toLowerCase(),
      inet: address ? `${address.ip}/${address.prefix}` : undefined,
      inet6: `${linkLocal(config.net0.hwaddr)}/64`,
      peerIndex: 10 + (config.vmid % 90),
    });
  }
  return interfaces;
}

function linkLocal(hwaddr: string): string {
  const bytes = hwaddr.split(':').map((part) => parseInt(part, 16));
  bytes[0] ^= 0x02;
  const eui = [bytes[0], bytes[1], bytes[2], 0xff, 0xfe, bytes[3], bytes[4], bytes[5]];
  const groups = [0, 2, 4, 6].map((i) => ((eui[i] << 8) | eui[i + 1]).toString(16));
  return `fe80::${groups.join(':')}`;
}

export function broadcast(ip: string, prefix: number): string {
  const value = ip.split('.').reduce((acc, octet) => (acc << 8) + Number(octet), 0) >>> 0;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const result = (value | (~mask >>> 0)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (result >>> shift) & 255).join('.');
}
