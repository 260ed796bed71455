import type { IFileSystem } from 'just-bash';
import type { LxcGuestConfig } from '../contracts/container-runtime';
import type { GuestHost } from '../contracts/host-kernel';
import type { NodeEnvironment } from '../kubelet/node-environment';
import type { OutsideWorld } from '../net/outside-world';
import type { VirtualNetwork } from '../net/virtual-network';
import type { LabTiming } from '../timing';
import type { GuestFaultPlan } from './guest-faults';
import type { Journal } from './journal';
import type { ProcessTable } from './process-table';
import type { Systemd } from './systemd';
import type { GuestTemplate } from './templates';

/** What the guest's commands and services can see of their own container. */
export interface GuestView {
  readonly vmid: number;
  readonly template: GuestTemplate;
  readonly fs: IFileSystem;
  readonly journal: Journal;
  readonly systemd: Systemd;
  /** This boot's processes (ps, kill, the services' main processes). */
  readonly processes: ProcessTable;
  readonly network: VirtualNetwork;
  /** The internet beyond the LAN, as this lab's guests reach it (online, offline or through a proxy). */
  readonly outside: OutsideWorld;
  readonly timing: LabTiming;
  /** containerd's image store: imported from /var/lib/rancher/k3s/agent/images or pulled by the kubelet's pods; no pull needed. */
  readonly images: Set<string>;
  /** Lab faults armed for all guests (GuestRuntime.faults). */
  readonly faults: GuestFaultPlan;
  /** The Proxmox node it runs on, whose kernel (sysctls) every container there shares. */
  readonly host: GuestHost;
  /** What the agent's kubelet reaches besides the API server (the lab's image registries, the kubelet directory). */
  readonly node: NodeEnvironment;
  /** The configuration the container booted with (LXC reads it at start only). */
  bootConfig(): LxcGuestConfig;
}

/** `cores: 0` means all host cores; the lab's Proxmox host has 16. */
export function visibleCores(config: LxcGuestConfig): number {
  return config.cores > 0 ? config.cores : 16;
}

/** The address part of net0's `ip=192.168.2.21/24`, if static. */
export function guestAddress(config: LxcGuestConfig): { ip: string; prefix: number } | undefined {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(config.net0?.ip ?? '');
  return match ? { ip: match[1], prefix: Number(match[2]) } : undefined;
}

/** Memory in use as lxcfs reports it: the base system, plus what a running k3s agent takes. */
export function memoryUsedMiB(view: GuestView): number {
  const agent = view.systemd.runtime('k3s-agent.service').state;
  return 38 + (agent === 'active' || agent === 'activating' ? 310 : 0);
}

export function writeOutput(stdout: string, stderr = '', exitCode = 0) {
  return { stdout, stderr, exitCode };
}
