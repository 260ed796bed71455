import type { LabOptions } from '.';
import type { MasterSize } from './k3s';
import { parseChannelSetting } from './net/k3s-releases';
import { GUEST_INTERNET_MODES, type GuestInternetMode } from './net/outside-world';
import { parseNodeCapacities } from './proxmox';

/**
 * The lab's settings, each named once for both ways of starting it: `npm run lab -- --<flag> VALUE` (repeatable
 * flags may be given several times) and the embedded lab's environment variable (a repeatable setting's values
 * separated by commas). A bad value throws an error naming the flag or variable and what it accepts.
 */
export interface LabSetting {
  flag: string;
  env: string;
  repeatable?: boolean;
  /** One line for `npm run lab -- --help`. */
  help: string;
  /** Takes the setting's values (at least one) into `options`; throws with what was wrong. */
  apply(values: string[], options: LabOptions): void;
}

export const LAB_SETTINGS: LabSetting[] = [
  {
    flag: 'timing',
    env: 'LAB_TIMING',
    help: '0 (as fast as possible, default) to 1 (the durations real systems take)',
    apply: ([value], options) => {
      const scale = Number(value);
      if (!(value.trim() !== '' && scale >= 0 && scale <= 1)) throw new Error(`"${value}" is not a timing scale from 0 to 1`);
      options.timingScale = scale;
    },
  },
  {
    flag: 'k3s-master',
    env: 'LAB_K3S_MASTER',
    help: 'the k3s server machine\'s size, cpus=N,memory=SIZE (e.g. cpus=16,memory=64GB; GB/GiB are GiB, MB/MiB MiB); default cpus=4,memory=8GB',
    apply: ([value], options) => {
      options.k3sMaster = parseMasterSize(value);
    },
  },
  {
    flag: 'k3s-ca',
    env: 'LAB_K3S_CA',
    help: 'the k3s server CA at /cacerts: self-signed (default, k3s\'s own) or bundle (a custom CA\'s intermediate and root, as after k3s certificate rotate-ca)',
    apply: ([value], options) => {
      if (value !== 'self-signed' && value !== 'bundle') throw new Error(`"${value}" is not self-signed or bundle`);
      options.k3sCa = value;
    },
  },
  {
    flag: 'k3s-channel',
    env: 'LAB_K3S_CHANNELS',
    repeatable: true,
    help: 'NAME=VERSION: where a k3s release channel of update.k3s.io points (default stable=latest=v1.35.1+k3s1, v1.34=v1.34.3+k3s1)',
    apply: (values, options) => {
      options.k3sChannels = { ...options.k3sChannels, ...Object.fromEntries(values.map(parseChannelSetting)) };
    },
  },
  {
    flag: 'guest-internet',
    env: 'LAB_GUEST_INTERNET',
    help: 'online (default), offline (no outside name resolves) or proxy (only through http://192.168.2.5:3128, lab.env LAB_GUEST_PROXY)',
    apply: ([value], options) => {
      if (!GUEST_INTERNET_MODES.includes(value as GuestInternetMode)) throw new Error(`"${value}" is not one of ${GUEST_INTERNET_MODES.join(', ')}`);
      options.guestInternet = value as GuestInternetMode;
    },
  },
  {
    flag: 'pve-nodes',
    env: 'LAB_PVE_NODES',
    help: 'Proxmox nodes: 1 (default, the standalone node pve) or 2 to 9 (one cluster of pve1…pveN)',
    apply: ([value], options) => {
      const count = Number(value);
      if (!(/^\d+$/.test(value.trim()) && count >= 1 && count <= 9)) throw new Error(`"${value}" is not a number of nodes from 1 to 9`);
      options.pveNodes = count;
    },
  },
  {
    flag: 'pve-node-capacity',
    env: 'LAB_PVE_NODE_CAPACITY',
    repeatable: true,
    help: 'a node\'s CPUs, free memory and optionally free local-lvm space, e.g. pve1=2cpu,4GB or pve2=8cpu,16GB,200GBdisk (GB = GiB)',
    apply: (values, options) => {
      // One flag's value holds commas itself: the entries are found again by their `NODE=`.
      const capacities = parseNodeCapacities(values.join(','));
      options.pveNodeCapacity = new Map([...(options.pveNodeCapacity ?? []), ...capacities]);
    },
  },
  {
    flag: 'emulated-time-file',
    env: 'LAB_EMULATED_TIME_FILE',
    help: 'a file the lab appends, when it stops, the time it spent emulating real operations ({"emulatedMs":…,"livedMs":…,"scale":…} per lab; bench/suite-overhead.ts)',
    apply: ([value], options) => {
      options.emulatedTimeFile = value;
    },
  },
];

/** `cpus=16,memory=64GB` -> { cpus: 16, memoryMiB: 65536 }; unnamed parts keep the default size. */
export function parseMasterSize(text: string): MasterSize {
  const size = { cpus: 4, memoryMiB: 8192 };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value = ''] = part.split('=').map((p) => p.trim());
    if (key === 'cpus' && /^[1-9]\d*$/.test(value)) size.cpus = Number(value);
    else if (key === 'memory' && /^\d+(\.\d+)?\s*(G|GB|GiB|M|MB|MiB)$/i.test(value)) {
      const amount = Number(/^[\d.]+/.exec(value)![0]);
      size.memoryMiB = Math.round(/^[\d.]+\s*G/i.test(value) ? amount * 1024 : amount);
    } else throw new Error(`"${part}" is not cpus=<count> or memory=<size>`);
  }
  return size;
}

/** The embedded lab's options, from its environment variables (LAB_TIMING, ...). */
export function labOptionsFromEnv(env: Record<string, string | undefined>, stateDir: string): LabOptions {
  const options: LabOptions = { stateDir };
  for (const setting of LAB_SETTINGS) {
    const text = env[setting.env];
    if (text === undefined || text.trim() === '') continue;
    const values = setting.repeatable ? text.split(',').map((part) => part.trim()).filter(Boolean) : [text.trim()];
    applyNamed(setting, values, options, setting.env);
  }
  return options;
}

/** The standalone lab's options: its flags, over the same environment variables. */
export function labOptionsFromArgs(argv: string[], env: Record<string, string | undefined>, stateDir: string): LabOptions {
  const options = labOptionsFromEnv(env, stateDir);
  for (const setting of LAB_SETTINGS) {
    const values = argv.flatMap((arg, index) => (arg === `--${setting.flag}` && argv[index + 1] !== undefined ? [argv[index + 1]] : []));
    if (!values.length) continue;
    applyNamed(setting, setting.repeatable ? values : values.slice(-1), options, `--${setting.flag}`);
  }
  return options;
}

function applyNamed(setting: LabSetting, values: string[], options: LabOptions, name: string): void {
  try {
    setting.apply(values, options);
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message} (${setting.help})`);
  }
}
