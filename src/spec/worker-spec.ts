import { ConfigurationError, InputProblem } from '../errors';
import { isIpv4, parseHostPort, sameSubnet } from './ipv4';
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
  const cidr = /^([^/]+)\/(\d{1,2})$/.exec(address);
  const ip = cidr?.[1] ?? '';
  const prefix = Number(cidr?.[2] ?? NaN);
  if (address && !(cidr && isIpv4(ip) && prefix >= 1 && prefix <= 32)) {
    problem(`address "${address}"`, 'is not an IPv4 address with a prefix length', 'write it as CIDR, e.g. 192.168.2.21/24');
  }
  const gateway = value('gateway');
  if (gateway && !isIpv4(gateway)) {
    problem(`gateway "${gateway}"`, 'is not an IPv4 address', 'write e.g. 192.168.2.1');
  } else if (gateway && cidr && isIpv4(ip) && !sameSubnet(ip, gateway, prefix)) {
    problem(`gateway "${gateway}"`, `is outside the worker's subnet ${address}`, 'use the router address of that subnet, e.g. 192.168.2.1');
  } else if (gateway && gateway === ip) {
    problem(`gateway "${gateway}"`, "is the worker's own address", 'use the router address of the subnet');
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

  const controlPlaneText = value('control plane');
  const controlPlane = parseHostPort(controlPlaneText);
  if (controlPlaneText && !controlPlane) {
    problem(`control plane "${controlPlaneText}"`, 'is not an IPv4 address and port', 'write e.g. 192.168.2.20:6443');
  } else if (controlPlane && controlPlane.host === ip) {
    problem(`control plane "${controlPlaneText}"`, "is the worker's own address", 'give the k3s server address');
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
    features, rawLxc, controlPlane: controlPlane!,
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

/** Checks a criterion's own figures ("4 vCPU, 8GB RAM, 50GB disk at 192.168.2.21") against the specification. */
export function assertCriterionMatchesSpec(
  spec: WorkerSpec,
  stated: { cores: number; memory: string; disk: string; ip: string },
): void {
  const problems: InputProblem[] = [];
  const memory = parseStorySize(stated.memory);
  const disk = parseStorySize(stated.disk);
  const mismatch = (input: string, specValue: string) =>
    problems.push({ input, problem: `differs from the specification table (${specValue})`, fix: 'make the criterion and the table agree' });
  if (stated.cores !== spec.cores) mismatch(`${stated.cores} vCPU`, `cores ${spec.cores}`);
  if (!memory.ok) problems.push({ input: `RAM "${stated.memory}"`, problem: memory.problem, fix: memory.fix });
  else if (memory.mib !== spec.memoryMiB) mismatch(`${stated.memory} RAM`, `memory ${spec.memoryMiB} MiB`);
  if (!disk.ok) problems.push({ input: `disk "${stated.disk}"`, problem: disk.problem, fix: disk.fix });
  else if (disk.mib !== spec.diskGiB * 1024) mismatch(`${stated.disk} disk`, `disk ${spec.diskGiB} GiB`);
  if (stated.ip !== spec.ip) mismatch(`address ${stated.ip}`, `address ${spec.ip}/${spec.prefix}`);
  if (problems.length) throw new ConfigurationError(problems);
}
