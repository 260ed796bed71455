import type { ContainerRuntime, CreateGuestRequest, ExecResult, LxcGuestConfig } from '../../contracts/container-runtime';
import type { GuestHost } from '../../contracts/host-kernel';
import type { VirtualNetwork } from '../../net/virtual-network';

/** A container that was running before the lab started and whose processes the lab runs elsewhere. */
export interface ResidentGuest {
  vmid: number;
  /** Its address on the LAN, e.g. '192.168.2.20' (where the lab's k3s server answers). */
  ip: string;
  hwaddr: string;
}

/**
 * The containers one node runs, as its pve-container code sees them: those the shared container runtime made, and
 * residents, whose processes are another part of the lab (CT 100 k3s-master is the lab's k3s server). A resident's
 * power is its address answering or not: stopping it cuts the server off the network, starting it brings it back;
 * its other ports and the services behind them are left alone.
 */
export class NodeGuests implements ContainerRuntime {
  private readonly residents = new Map<number, ResidentGuest & { running: boolean }>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly network: VirtualNetwork,
  ) {}

  addResident(guest: ResidentGuest): void {
    this.residents.set(guest.vmid, { ...guest, running: true });
    this.network.setReachable(guest.ip, true);
  }

  templates(): string[] {
    return this.runtime.templates();
  }

  create(request: CreateGuestRequest): ReturnType<ContainerRuntime['create']> {
    return this.runtime.create(request);
  }

  async start(config: LxcGuestConfig, host: GuestHost): Promise<void> {
    const resident = this.residents.get(config.vmid);
    if (!resident) return this.runtime.start(config, host);
    resident.running = true;
    this.network.setReachable(resident.ip, true);
  }

  async stop(vmid: number): Promise<void> {
    const resident = this.residents.get(vmid);
    if (!resident) return this.runtime.stop(vmid);
    resident.running = false;
    this.network.setReachable(resident.ip, false);
  }

  async destroy(vmid: number): Promise<void> {
    const resident = this.residents.get(vmid);
    if (!resident) return this.runtime.destroy(vmid);
    this.network.setReachable(resident.ip, false);
    this.residents.delete(vmid);
  }

  isRunning(vmid: number): boolean {
    return this.residents.get(vmid)?.running ?? this.runtime.isRunning(vmid);
  }

  exec(vmid: number, command: string, options?: { stdin?: string; signal?: AbortSignal }): Promise<ExecResult> {
    if (!this.residents.has(vmid)) return this.runtime.exec(vmid, command, options);
    return Promise.reject(new Error(`lab: CT ${vmid} runs the lab's k3s server, which has no shell to attach to (lab/proxmox/LIMITATIONS.md)`));
  }

  interfaces(vmid: number): Array<{ name: string; hwaddr: string; inet?: string; inet6?: string }> {
    const resident = this.residents.get(vmid);
    if (!resident) return this.runtime.interfaces(vmid);
    return resident.running ? [{ name: 'eth0', hwaddr: resident.hwaddr, inet: `${resident.ip}/24` }] : [];
  }
}
