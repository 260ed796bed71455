import type { PropertySpec, PropertyStringFormat, Schema } from './property-spec';

/** pve-vmid: an integer whose format check (before the range check) wants ^[1-9][0-9]{2,8}$. */
export const vmidSpec: PropertySpec = {
  type: 'integer',
  minimum: 100,
  maximum: 999_999_999,
  format: (value) => {
    if (!/^[1-9][0-9]{2,8}$/.test(value)) throw new Error('value does not look like a valid VM ID\n');
  },
};

const flag: PropertySpec = { type: 'boolean', optional: true };

/** $features_desc in PVE::LXC::Config. */
export const featuresFormat: PropertyStringFormat = {
  keys: { mount: { type: 'string', optional: true }, nesting: flag, keyctl: flag, fuse: flag, mknod: flag, force_rw_sys: flag },
};

/** $netconf_desc (the keys the lab understands; anything else is refused as real does for unknown keys). */
export const netFormat: PropertyStringFormat = {
  keys: {
    name: { type: 'string', pattern: /[-_.\w\d]+/ },
    bridge: { type: 'string', optional: true },
    hwaddr: { type: 'string', optional: true, pattern: /[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}/ },
    mtu: { type: 'integer', optional: true, minimum: 64, maximum: 65535 },
    ip: { type: 'string', optional: true, pattern: /dhcp|manual|\d{1,3}(\.\d{1,3}){3}\/\d{1,2}/ },
    gw: { type: 'string', optional: true, pattern: /\d{1,3}(\.\d{1,3}){3}/ },
    ip6: { type: 'string', optional: true },
    gw6: { type: 'string', optional: true },
    firewall: flag,
    link_down: flag,
    rate: { type: 'number', optional: true, minimum: 0 },
    tag: { type: 'integer', optional: true, minimum: 1, maximum: 4094 },
    trunks: { type: 'string', optional: true },
    type: { type: 'string', optional: true, enum: ['veth'] },
  },
};

/** $rootfs_desc: `STORAGE:SIZE_GiB` allocates a new volume; `STORAGE:vm-102-disk-0` names an existing one. */
export const rootfsFormat: PropertyStringFormat = {
  defaultKey: 'volume',
  keys: {
    volume: { type: 'string' },
    size: { type: 'string', optional: true, pattern: /\d+(\.\d+)?[KMGT]?/ },
    acl: flag,
    mountoptions: { type: 'string', optional: true },
    quota: flag,
    replicate: flag,
    ro: flag,
    shared: flag,
  },
};

/** The container options (confdesc) the lab knows, shared by create and PUT config. */
export const configOptions: Schema = {
  arch: { type: 'string', optional: true, enum: ['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64'] },
  cmode: { type: 'string', optional: true, enum: ['shell', 'console', 'tty'] },
  console: flag,
  cores: { type: 'integer', optional: true, minimum: 1, maximum: 8192 },
  cpulimit: { type: 'number', optional: true, minimum: 0, maximum: 8192 },
  cpuunits: { type: 'integer', optional: true, minimum: 0, maximum: 500000 },
  debug: flag,
  description: { type: 'string', optional: true, maxLength: 8192 },
  features: { type: 'string', optional: true, format: featuresFormat },
  hostname: { type: 'string', optional: true, maxLength: 255, pattern: /[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*/ },
  memory: { type: 'integer', optional: true, minimum: 16 },
  nameserver: { type: 'string', optional: true },
  onboot: flag,
  ostype: {
    type: 'string',
    optional: true,
    enum: ['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse', 'archlinux', 'alpine', 'gentoo', 'nixos', 'unmanaged'],
  },
  protection: flag,
  rootfs: { type: 'string', optional: true, format: rootfsFormat },
  searchdomain: { type: 'string', optional: true },
  startup: { type: 'string', optional: true },
  swap: { type: 'integer', optional: true, minimum: 0 },
  tags: { type: 'string', optional: true },
  template: flag,
  timezone: { type: 'string', optional: true },
  tty: { type: 'integer', optional: true, minimum: 0, maximum: 6 },
  unprivileged: flag,
  ...Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`net${i}`, { type: 'string', optional: true, format: netFormat }])),
};

/** Options that exist in the file but are not parameters (lock is set by the node itself). */
const fileOnlyOptions: Schema = {
  lock: { type: 'string', optional: true },
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`unused${i}`, { type: 'string', optional: true }])),
};

/** POST /nodes/{node}/lxc (create_vm). */
export const createParameters: Schema = {
  ...configOptions,
  node: { type: 'string' },
  vmid: vmidSpec,
  ostemplate: { type: 'string', maxLength: 255 },
  password: { type: 'string', optional: true, minLength: 5 },
  'ssh-public-keys': { type: 'string', optional: true },
  storage: { type: 'string', optional: true, pattern: /[a-z][a-z0-9\-_.]*[a-z0-9]/i },
  start: flag,
  force: flag,
  restore: flag,
  unique: flag,
  pool: { type: 'string', optional: true },
  'ignore-unpack-errors': flag,
  bwlimit: { type: 'number', optional: true, minimum: 0 },
  'ha-managed': flag,
};

/** PUT /nodes/{node}/lxc/{vmid}/config (update_vm). */
export const updateParameters: Schema = {
  ...configOptions,
  node: { type: 'string' },
  vmid: vmidSpec,
  delete: { type: 'string', optional: true },
  revert: { type: 'string', optional: true },
  digest: { type: 'string', optional: true, maxLength: 40 },
};

/** check_type: how GET config types a file value (integers and booleans become numbers). */
export function typedOptionValue(key: string, value: string): string | number {
  const type = (configOptions[key] ?? fileOnlyOptions[key])?.type;
  if (type === 'integer' && /^\d+$/.test(value)) return parseInt(value, 10);
  if (type === 'boolean') {
    if (value === '1' || /^(on|yes|true)$/i.test(value)) return 1;
    if (value === '0' || /^(off|no|false)$/i.test(value)) return 0;
  }
  return value;
}

export function isKnownOption(key: string): boolean {
  return key in configOptions;
}
