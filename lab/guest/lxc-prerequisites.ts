import type { LxcGuestConfig } from '../contracts/container-runtime';

/** What a container's LXC configuration lets k3s do, read at boot as LXC reads it. */
export interface LxcPrerequisites {
  /** `lxc.mount.entry: /dev/kmsg dev/kmsg none defaults,bind,create=file` */
  kmsg: boolean;
  /** The memory cgroup is usable only with `lxc.cgroup2.devices.allow: a` and `lxc.apparmor.profile: unconfined`. */
  memoryCgroup: boolean;
  /** `lxc.mount.auto: "proc:rw sys:rw"`: kube-proxy writes conntrack limits under /proc/sys. */
  procSysWritable: boolean;
  nesting: boolean;
  keyctl: boolean;
  fuse: boolean;
}

export function lxcPrerequisites(config: LxcGuestConfig): LxcPrerequisites {
  const raw = (key: string) => config.rawLxc.filter(([name]) => name === key).map(([, value]) => value.trim());
  const kmsg = raw('lxc.mount.entry').some((value) => /^\/dev\/kmsg\s+dev\/kmsg\s+none\s+\S*bind\S*/.test(value));
  const devicesAll = raw('lxc.cgroup2.devices.allow').includes('a');
  const unconfined = raw('lxc.apparmor.profile').includes('unconfined');
  const mountAuto = raw('lxc.mount.auto').join(' ').replace(/"/g, '').split(/\s+/);
  return {
    kmsg,
    memoryCgroup: devicesAll && unconfined,
    procSysWritable: mountAuto.includes('proc:rw') && mountAuto.includes('sys:rw'),
    nesting: config.features.nesting === '1',
    keyctl: config.features.keyctl === '1',
    fuse: config.features.fuse === '1',
  };
}
