import type { GuestHost } from './host-kernel';

/**
 * What the emulated Proxmox node asks of the emulated LXC guests (lab/guest implements it). Proxmox owns the
 * configuration; the runtime owns what happens inside a container (its root filesystem, processes, SSH server).
 */

/** A container's configuration as Proxmox holds it in /etc/pve/lxc/VMID.conf, already parsed. */
export interface LxcGuestConfig {
  vmid: number;
  hostname: string;
  /** Logical CPUs the guest sees (`cores`, default 0 = all host cores; the lab host has 16). */
  cores: number;
  memoryMiB: number;
  swapMiB: number;
  /** Size of the root filesystem in GiB (from `rootfs: local-lvm:vm-102-disk-0,size=50G`). */
  rootfsGiB: number;
  /** `net0` when configured: e.g. { name: 'eth0', bridge: 'vmbr0', ip: '192.168.2.21/24', gw: '192.168.2.1', hwaddr: 'BC:24:11:..' } */
  net0?: { name: string; bridge: string; ip?: string; gw?: string; hwaddr: string };
  nameserver?: string;
  /** `features: nesting=1,keyctl=1,fuse=1` as { nesting: '1', keyctl: '1', fuse: '1' }. */
  features: Record<string, string>;
  /** Raw `lxc.*` lines in file order, e.g. [['lxc.apparmor.profile', 'unconfined'], ...]. */
  rawLxc: Array<[key: string, value: string]>;
  unprivileged: boolean;
}

export interface GuestHostKey {
  /** 'rsa' | 'ecdsa' | 'ed25519', as in the file name ssh_host_<type>_key */
  type: string;
  /** OpenSSH fingerprint, `SHA256:` + unpadded base64 */
  fingerprint: string;
  /** The public key line as in /etc/ssh/ssh_host_<type>_key.pub */
  publicKey: string;
}

export interface CreateGuestRequest {
  config: LxcGuestConfig;
  /** Volume id of the template, e.g. 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst'. */
  ostemplate: string;
  /** The `ssh-public-keys` create parameter: authorized_keys content, newline separated. */
  sshPublicKeys?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ContainerRuntime {
  /** Template file names (without volume prefix) this runtime can lay down, e.g. 'ubuntu-22.04-standard_22.04-1_amd64.tar.zst'. */
  templates(): string[];
  /** vzcreate: unpack the template into a new root filesystem and generate SSH host keys. */
  create(request: CreateGuestRequest): Promise<{ hostKeys: GuestHostKey[]; architecture: string }>;
  /**
   * vzstart: boot with the configuration as it is now (features and raw lxc lines are read at start, as LXC does),
   * on the node `host` names, sharing that node's kernel.
   */
  start(config: LxcGuestConfig, host: GuestHost): Promise<void>;
  /** vzstop (hard) and vzshutdown (clean): afterwards the guest's addresses no longer answer. */
  stop(vmid: number): Promise<void>;
  /** vzdestroy: the root filesystem is gone. */
  destroy(vmid: number): Promise<void>;
  isRunning(vmid: number): boolean;
  /** `pct exec VMID -- sh -c COMMAND`: runs in the guest's shell; rejects if the guest is not running. */
  exec(vmid: number, command: string, options?: { stdin?: string; signal?: AbortSignal }): Promise<ExecResult>;
  /** What GET /nodes/{node}/lxc/{vmid}/interfaces reports while running. */
  interfaces(vmid: number): Array<{ name: string; hwaddr: string; inet?: string; inet6?: string }>;
}

/** The Proxmox host's kernel: containers share it, so `uname -r` in a guest and `pveversion` on the host agree. */
export const HOST_KERNEL = {
  release: '6.8.12-9-pve',
  version: '#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-9 (2025-03-16T19:18Z)',
};
