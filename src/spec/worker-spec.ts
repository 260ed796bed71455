import { ConfigurationError, InputProblem } from '../errors';
import { ipv4ToNumber, isIpv4, numberToIpv4, parseHostPort, sameSubnet } from './ipv4';
import { parseStorySize } from './sizes';

/** Everything the story says about the worker to build, in Proxmox's units. */
export interface WorkerSpec {
  vmid: number;
  hostname: string;
  cores: number;
  memoryMiB: number;
  diskGiB: number;
  ip: string;
  prefix: number;
  gateway: string;
  bridge: string;
  storage: string;
  template: string;
  /** e.g. { nesting: '1', keyctl: '1', fuse: '1' } */
  features: Record<string, string>;
  /** Raw `lxc.*` lines in order, e.g. ['lxc.apparmor.profile', 'unconfined'] */
  rawLxc: Array<[string, string]>;
  controlPlane: { host: string; port: number };
  /** The table's values as written, for messages that quote the row the operator is editing. */
  fields: Record<string, string>;
}

// Limits as Proxmox's schema states them (pve-container LXC.pm / pve-common JSONSchema).
const MIN_VMID = 100;
const MAX_VMID = 999_999_999;
const MAX_CORES = 8192;
const MIN_MEMORY_MIB = 16;
const HOSTNAME_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const TEMPLATE_VOLID = /^[a-z][a-z0-9\-_.]*:vztmpl\/.+\.tar\.(gz|xz|zst)$/;
const STORAGE_ID = /^[a-z][a-z0-9\-_.]*$/i;
const BRIDGE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]{0,14}$/;
const FEATURE_PAIR = /^[a-z]+=[01]$/;

export const SPEC_FIELDS = [
  'vmid', 'hostname', 'cores', 'memory', 'disk', 'address', 'gateway', 'bridge', 'storage', 'template', 'features',
  'control plane', 'ssh',
] as const;
type SpecField = (typeof SPEC_FIELDS)[number];

/** Parses the feature's specification table (field | value) and raw lxc lines; reports every problem at once. */
export function parseWorkerSpec(fields: Record<string, string>, rawLxcLines: string[]): WorkerSpec {
  const problems: InputProblem[] = [];
  const problem = (input: string, text: string, fix: string) => problems.push({ input, problem: text, fix });
  const value = (field: SpecField): string => {
    const found = fields[field];
    if (found === undefined || found.trim() === '') {
      problem(`specification "${field}"`, 'is missing', `add a row "| ${field} | <value> |" to the specification table`);
      return '';
    }
    return found.trim();
  };
  for (const field of Object.keys(fields)) {
    if (!(SPEC_FIELDS as readonly string[]).includes(field)) {
      problem(`specification "${field}"`, 'is not a field the suite knows', `use one of: ${SPEC_FIELDS.join(', ')}`);
    }
  }

  const vmidText = value('vmid');
  const vmid = Number(vmidText);
  if (vmidText && !(/^\d+$/.test(vmidText) && vmid >= MIN_VMID && vmid <= MAX_VMID)) {
    problem(`vmid "${vmidText}"`, `must be a whole number from ${MIN_VMID} to ${MAX_VMID} (ids below 100 are reserved by Proxmox)`, 'pick a free id such as 102 (`pvesh get /cluster/nextid` suggests one)');
  }

  const hostname = value('hostname');
  if (hostname && !(hostname.length <= 63 && HOSTNAME_LABEL.test(hostname))) {
    problem(`hostname "${hostname}"`, 'is not a valid host name (lower-case letters, digits and inner hyphens, at most 63)', 'use a name like k3s-worker-01');
  }

  const coresText = value('cores');
  const cores = Number(coresText);
  if (coresText && !(/^\d+$/.test(coresText) && cores >= 1 && cores <= MAX_CORES)) {
    problem(`cores "${coresText}"`, `must be a whole number from 1 to ${MAX_CORES}`, 'write e.g. 4');
  }

  const memoryMiB = sizeOrProblem('memory', value('memory'), problem);
  if (memoryMiB !== undefined && memoryMiB < MIN_MEMORY_MIB) {
    problem(`memory "${fields.memory}"`, `is below Proxmox's minimum of ${MIN_MEMORY_MIB} MB`, 'give at least 512MB for a k3s agent');
  }
  const diskMiB = sizeOrProblem('disk', value('disk'), problem);
  if (diskMiB !== undefined && diskMiB % 1024 !== 0) {
    problem(`disk "${fields.disk}"`, 'is not a whole number of GB, and Proxmox allocates root disks in GiB', 'write e.g. 50GB');
  }

  const address = value('address');
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(address);
  const ip = cidr?.[1] ?? '';
  const prefix = Number(cidr?.[2] ?? NaN);
  const addressValid = Boolean(cidr && isIpv4(ip) && prefix >= 1 && prefix <= 32);
  if (address && !(cidr && isIpv4(ip))) {
    problem(`address "${address}"`, 'is not an IPv4 address with a prefix length', 'write it as CIDR, e.g. 192.168.2.21/24');
  } else if (address && !addressValid) {
    problem(`address "${address}"`, `has prefix length /${cidr![2]}, and IPv4 prefixes run from /1 to /32`, `write e.g. ${ip}/24`);
  }
  const gateway = value('gateway');
  if (gateway && !isIpv4(gateway)) {
    problem(`gateway "${gateway}"`, 'is not an IPv4 address', 'write e.g. 192.168.2.1');
  } else if (gateway && addressValid && !sameSubnet(ip, gateway, prefix)) {
    problem(`gateway "${gateway}"`, `is outside the worker's subnet ${address}`, 'use the router address of that subnet, e.g. 192.168.2.1');
  }

  const controlPlaneText = value('control plane');
  const controlPlane = parseHostPort(controlPlaneText);
  const stated = /^([^:\s]+):(\d+)$/.exec(controlPlaneText);
  if (controlPlaneText && stated && isIpv4(stated[1]) && !controlPlane) {
    problem(`control plane "${controlPlaneText}"`, `has port ${stated[2]}, outside 1–65535`, `write the k3s server's port, usually ${stated[1]}:6443`);
  } else if (controlPlaneText && !controlPlane) {
    problem(`control plane "${controlPlaneText}"`, 'is not an IPv4 address and port', 'write e.g. 192.168.2.20:6443');
  }

  // An address that collides with another row is the address's fault: that is the row the operator is filling in.
  if (addressValid) {
    const taken = [gateway, controlPlane?.host].filter((other): other is string => Boolean(other) && isIpv4(other!));
    const suggestion = () => `${freeAddressAfter(ip, prefix, [ip, ...taken])}/${prefix}`;
    if (ip === gateway) {
      problem(`address "${address}"`, `is the gateway's address (${gateway})`, `give the worker a free address in its subnet, e.g. ${suggestion()}`);
    } else if (controlPlane && ip === controlPlane.host) {
      problem(`address "${address}"`, `is the control plane's address (${controlPlaneText})`, `give the worker its own address, e.g. ${suggestion()}`);
    }
  }

  const bridge = value('bridge');
  if (bridge && !BRIDGE_NAME.test(bridge)) problem(`bridge "${bridge}"`, 'is not a Linux bridge name', 'write e.g. vmbr0');
  const storage = value('storage');
  if (storage && !STORAGE_ID.test(storage)) problem(`storage "${storage}"`, 'is not a Proxmox storage id', 'write e.g. local-lvm');
  const template = value('template');
  if (template && !TEMPLATE_VOLID.test(template)) {
    problem(`template "${template}"`, 'is not a container template volume id', 'write e.g. local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst');
  }

  const featuresText = value('features');
  const features: Record<string, string> = {};
  for (const pair of featuresText ? featuresText.split(',') : []) {
    if (!FEATURE_PAIR.test(pair.trim())) {
      problem(`features "${featuresText}"`, `"${pair}" is not a flag=0|1 pair`, 'write e.g. nesting=1,keyctl=1,fuse=1');
      continue;
    }
    const [key, flag] = pair.trim().split('=');
    features[key] = flag;
  }

  const ssh = value('ssh');
  if (ssh && ssh !== 'key') {
    problem(`ssh "${ssh}"`, 'is not an access method the suite provisions', 'write "key": root logs in with the operator\'s key only, no password is set');
  }

  const rawLxc: Array<[string, string]> = [];
  for (const line of rawLxcLines) {
    const match = /^(lxc\.[a-z0-9_.]+):\s?(.*)$/.exec(line.trim());
    if (!match) problem(`raw LXC line "${line}"`, 'is not a "lxc.key: value" line', 'write e.g. lxc.apparmor.profile: unconfined');
    else rawLxc.push([match[1], match[2].trim()]);
  }

  if (problems.length) throw new ConfigurationError(problems);
  return {
    vmid, hostname, cores, memoryMiB: memoryMiB!, diskGiB: diskMiB! / 1024, ip, prefix, gateway, bridge, storage, template,
    features, rawLxc, controlPlane: controlPlane!, fields: { ...fields },
  };
}

function sizeOrProblem(
  field: 'memory' | 'disk',
  text: string,
  problem: (input: string, text: string, fix: string) => void,
): number | undefined {
  if (!text) return undefined;
  const parsed = parseStorySize(text);
  if (!parsed.ok) {
    problem(`${field} "${text}"`, parsed.problem, parsed.fix);
    return undefined;
  }
  return parsed.mib;
}

/** The next host address after `ip` in its subnet that is none of `avoid` (wrapping round to the first host). */
function freeAddressAfter(ip: string, prefix: number, avoid: string[]): string {
  const size = 2 ** (32 - prefix);
  const network = Math.floor(ipv4ToNumber(ip) / size) * size;
  const hosts = Math.max(1, size - 2);
  for (let step = 1; step <= hosts; step++) {
    const candidate = numberToIpv4(network + 1 + ((ipv4ToNumber(ip) - network - 1 + step) % hosts));
    if (!avoid.includes(candidate)) return candidate;
  }
  return ip;
}
