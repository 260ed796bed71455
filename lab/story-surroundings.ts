import type { LanDevice } from './net/virtual-network';
import type { ResidentContainerSpec, ResidentVmSpec } from './proxmox';

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
    ['lxc.mount.entry', '/dev/kmsg dev/kmsg none bind,rw,optional,create=file'],
    ['lxc.mount.auto', 'proc:rw sys:rw'],
  ],
};

/**
 * A Home Assistant OS VM on the same node, its address set by cloud-init (ipconfig0). VMID 200 keeps clear of the
 * 1xx ids the suite's own tests build at.
 */
export const HOME_ASSISTANT_VM: ResidentVmSpec = {
  vmid: 200,
  name: 'home-assistant',
  cores: 2,
  memoryMiB: 4096,
  diskGiB: 32,
  cidr: '192.168.2.30/24',
  gateway: '192.168.2.1',
};

/**
 * Machines on the story's LAN that are no guest of any node: the router (the gateway) and a network printer that
 * took 192.168.2.22, the first address after the story's worker, by DHCP. They answer ARP and ping, nothing else.
 */
export const LAN_DEVICES: Array<LanDevice & { ip: string }> = [
  { ip: '192.168.2.1', name: 'router', hwaddr: '3C:37:12:4A:0B:01' },
  { ip: '192.168.2.22', name: 'printer', hwaddr: '00:80:77:5C:21:9E' },
];
