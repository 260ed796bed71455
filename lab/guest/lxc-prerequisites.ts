import type { LxcGuestConfig } from '../contracts/container-runtime';

/** What a container's LXC configuration lets k3s do, read at start as LXC reads it (src/lxc/confile.c). */
export interface LxcPrerequisites {
  /** `lxc.mount.entry: /dev/kmsg dev/kmsg none bind,...`: the kubelet's OOM watcher opens /dev/kmsg. */
  kmsg: boolean;
  /** The memory cgroup is usable only with `lxc.cgroup2.devices.allow: a` and `lxc.apparmor.profile: unconfined`. */
  memoryCgroup: boolean;
  /** /proc as lxc.mount.auto leaves it: `mixed` (PVE's default, /proc/sys read-only) or `rw`; `none` if cleared. */
  proc: 'mixed' | 'rw' | 'none';
  /** /proc/sys writable (`proc:rw`): the kubelet's kernel tunables and sysctls reach the host's kernel. */
  procSysWritable: boolean;
  /** `lxc.cap.drop:` with an empty value clears the capabilities PVE's config drops. */
  capDropCleared: boolean;
  nesting: boolean;
  keyctl: boolean;
  fuse: boolean;
  /** The error that stops LXC loading the config (lxc-start fails), e.g. an automount token it does not know. */
  configError?: string;
}

/** The `lxc.mount.auto` tokens LXC accepts (confile.c set_config_mount_auto, allowed_auto_mounts). */
const PROC = { proc: 'mixed', 'proc:mixed': 'mixed', 'proc:rw': 'rw' } as const;
const SYS = new Set(['sys', 'sys:ro', 'sys:mixed', 'sys:rw']);
const CGROUP = /^cgroup(-full)?(:(mixed|ro|rw))?(:force)?$/;

/**
 * A raw line's value as confile.c parse_line hands it on: surrounding blanks trimmed, then one pair of matching
 * quotes (' or ") stripped if the value both starts and ends with it. `"proc:rw sys:rw"` is `proc:rw sys:rw`;
 * `"proc:rw sys:rw` keeps its lone quote, so its first token is `"proc:rw`.
 */
export function lxcValue(raw: string): string {
  const value = raw.trim();
  return value.length > 1 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0] ? value.slice(1, -1) : value;
}

export function lxcPrerequisites(config: LxcGuestConfig): LxcPrerequisites {
  const values = (key: string) => config.rawLxc.filter(([name]) => name === key).map(([, value]) => lxcValue(value));
  // PVE's generated config includes common.conf (`lxc.mount.auto = cgroup:mixed proc:mixed sys:mixed`) before the
  // CT's own raw lines; each token replaces its category's setting, an empty value clears them all.
  let proc: LxcPrerequisites['proc'] = 'mixed';
  let configError: string | undefined;
  for (const value of values('lxc.mount.auto')) {
    if (!value) proc = 'none';
    for (const token of value.split(/[ \t]+/).filter(Boolean)) {
      if (token in PROC) proc = PROC[token as keyof typeof PROC];
      else if (!SYS.has(token) && !CGROUP.test(token) && !token.startsWith('shmounts:')) configError ??= `Invalid filesystem to automount "${token}"`;
    }
  }
  const kmsg = values('lxc.mount.entry').some((entry) => {
    const [source, target, , options = ''] = entry.split(/[ \t]+/);
    return source === '/dev/kmsg' && target?.replace(/^\//, '') === 'dev/kmsg' && options.split(',').includes('bind');
  });
  return {
    kmsg,
    memoryCgroup: values('lxc.cgroup2.devices.allow').includes('a') && values('lxc.apparmor.profile').includes('unconfined'),
    proc,
    procSysWritable: proc === 'rw',
    capDropCleared: values('lxc.cap.drop').at(-1) === '',
    nesting: config.features.nesting === '1',
    keyctl: config.features.keyctl === '1',
    fuse: config.features.fuse === '1',
    configError,
  };
}
