import type { ResidentContainerSpec } from './proxmox';

/**
 * What the story says the Proxmox node already runs: `k3s-master (VMID 100) running at 192.168.2.20`, the k3s
 * server's container, made with the story's k3s LXC settings. Its size is the lab's k3s server node's (4 CPUs,
 * 8 GiB, a 50 GiB disk: lab/k3s/server-node.ts). The lab's k3s server answers at its address.
 */
export const K3S_MASTER_CT: ResidentContainerSpec = {
  vmid: 100,
  hostname: 'k3s-master',
  cidr: '192.168.2.20/24',
  gateway: '192.168.2.1',
  cores: 4,
  memoryMiB: 8192,
  diskGiB: 50,
  features: 'fuse=1,keyctl=1,nesting=1',
  rawLxc: [
    ['lxc.apparmor.profile', 'unconfined'],
    ['lxc.cgroup2.devices.allow', 'a'],
    ['lxc.cap.drop', ''],
    ['lxc.mount.auto', '"proc:rw sys:rw"'],
    ['lxc.mount.entry', '/dev/kmsg dev/kmsg none defaults,bind,create=file'],
  ],
};
