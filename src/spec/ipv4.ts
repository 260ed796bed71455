/** IPv4 addresses and CIDR blocks as the story writes them (192.168.2.21, 192.168.2.21/24). */
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Whether two addresses share the first `prefix` bits. */
export function sameSubnet(a: string, b: string, prefix: number): boolean {
  if (prefix === 0) return true;
  const shift = 32 - prefix;
  return Math.floor(ipv4ToNumber(a) / 2 ** shift) === Math.floor(ipv4ToNumber(b) / 2 ** shift);
}

/** "host:port" with an IPv4 host, as in "192.168.2.20:6443". */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(text.trim());
  if (!match || !isIpv4(match[1])) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1], port } : undefined;
}
