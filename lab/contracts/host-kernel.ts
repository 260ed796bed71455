/**
 * The kernel settings of one Proxmox node, which every container on it shares: a privileged container whose
 * /proc/sys is writable (`lxc.mount.auto: proc:rw sys:rw`, no dropped capabilities) changes them for the host.
 * One per node; the node's root shell reads them (`sysctl`), its guests may write them.
 */
export class HostKernel {
  private readonly settings: Map<string, string>;

  /** Defaults of a PVE 8 node (Debian 12 with the proxmox-kernel 6.8 defaults). */
  constructor(initial: Record<string, string> = PVE_DEFAULTS) {
    this.settings = new Map(Object.entries(initial));
  }

  read(name: string): string | undefined {
    return this.settings.get(name);
  }

  write(name: string, value: string): void {
    this.settings.set(name, value);
  }

  all(): Array<[name: string, value: string]> {
    return [...this.settings].sort(([a], [b]) => a.localeCompare(b));
  }
}

const PVE_DEFAULTS: Record<string, string> = {
  'kernel.panic': '0',
  'kernel.panic_on_oops': '0',
  'vm.overcommit_memory': '0',
  'vm.panic_on_oom': '0',
  'kernel.keys.root_maxkeys': '1000000',
  'kernel.keys.root_maxbytes': '25000000',
};

/** What a container is started on: which node, and that node's kernel. */
export interface GuestHost {
  node: string;
  kernel: HostKernel;
}
