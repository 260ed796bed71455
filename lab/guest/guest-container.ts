import type { GuestHost } from '../contracts/host-kernel';
import type { InMemoryFs } from 'just-bash';
import type { ExecResult, LxcGuestConfig } from '../contracts/container-runtime';
import type { OutsideWorld } from '../net/outside-world';
import type { VirtualNetwork } from '../net/virtual-network';
import type { LabTiming } from '../timing';
import { procMeminfo } from './commands/memory';
import { guestInterfaces } from './guest-interfaces';
import { createGuestShell, type GuestShell } from './guest-shell';
import { startGuestSshServer, type GuestSshServer } from './guest-ssh-server';
import { guestAddress, memoryUsedMiB, type GuestView } from './guest-view';
import type { GuestFaultPlan } from './guest-faults';
import type { NodeEnvironment } from '../kubelet/node-environment';
import { generateHostKeys, type GeneratedHostKey } from './host-keys';
import { Journal } from './journal';
import { k3sAgentProgram } from './k3s-agent';
import { lxcPrerequisites } from './lxc-prerequisites';
import { commandLine } from './command-line';
import { ProcessTable } from './process-table';
import { Systemd } from './systemd';
import { writeHostKeyFiles } from './root-filesystem';
import type { GuestTemplate } from './templates';

interface Boot {
  config: LxcGuestConfig;
  controller: AbortController;
  processes: ProcessTable;
  systemd: Systemd;
  shell: GuestShell;
  ssh?: GuestSshServer;
  unexpose?: () => void;
}

/**
 * lxc-start refusing a config it cannot load (confile.c returns -EINVAL, lxc_config_read fails): pve-container's
 * vzstart task ends `TASK ERROR: startup for container '<vmid>' failed`; `lxcLog` holds LXC's own error lines.
 */
export function lxcStartFailure(vmid: number, reason: string): Error & { lxcLog: string[] } {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').replace(/\.(\d{3})Z$/, '.$1');
  return Object.assign(new Error(`startup for container '${vmid}' failed`), {
    lxcLog: [
      `lxc-start ${vmid} ${stamp} ERROR    confile - ../src/lxc/confile.c:set_config_mount_auto:1229 - Invalid argument - ${reason}`,
      `lxc-start ${vmid} ${stamp} ERROR    lxc_start - ../src/lxc/tools/lxc_start.c:main:256 - Failed to load configuration file /var/lib/lxc/${vmid}/config`,
    ],
  });
}

/** One LXC container: its root filesystem and journal persist; processes, SSH server and addresses live per boot. */
export class GuestContainer {
  private boot?: Boot;
  private booting?: Promise<void>;
  readonly journal = new Journal();
  /** containerd's image store lives on the root filesystem: imported images survive reboots. */
  readonly images = new Set<string>();

  constructor(
    readonly vmid: number,
    readonly template: GuestTemplate,
    readonly fs: InMemoryFs,
    private keys: GeneratedHostKey[],
    private readonly net: { network: VirtualNetwork; outside: OutsideWorld; timing: LabTiming },
    private readonly faults: GuestFaultPlan,
    private readonly node: NodeEnvironment,
  ) {}

  private get network(): VirtualNetwork {
    return this.net.network;
  }

  private get timing(): LabTiming {
    return this.net.timing;
  }

  /** The host keys in /etc/ssh, as sshd serves them. */
  get hostKeys(): readonly GeneratedHostKey[] {
    return this.keys;
  }

  get running(): boolean {
    return this.boot !== undefined;
  }

  /** The node it was last started on (its kernel is the one the guest's writable /proc/sys reaches). */
  host?: GuestHost;

  async start(config: LxcGuestConfig, host: GuestHost): Promise<void> {
    if (this.boot || this.booting) throw new Error(`CT ${this.vmid} already running`);
    this.host = host;
    this.booting = this.bootWith(config).finally(() => (this.booting = undefined));
    return this.booting;
  }

  private async bootWith(config: LxcGuestConfig): Promise<void> {
    const configError = lxcPrerequisites(config).configError;
    if (configError) throw lxcStartFailure(this.vmid, configError);
    await this.timing.wait(2000);
    const controller = new AbortController();
    const boot = { config, controller, processes: new ProcessTable(controller.signal) } as Boot;
    const view: GuestView = {
      host: this.host!,
      vmid: this.vmid, template: this.template, fs: this.fs, journal: this.journal, network: this.network, outside: this.net.outside, timing: this.timing, faults: this.faults, images: this.images,
      node: this.node,
      bootConfig: () => config,
      get systemd() {
        return boot.systemd;
      },
      processes: boot.processes,
    };
    boot.systemd = new Systemd(this.fs, this.journal, this.timing, new Map([['/usr/local/bin/k3s', k3sAgentProgram(view)]]), boot.processes);
    await this.prepareFilesystem(config, view);
    boot.shell = createGuestShell(view);
    const address = guestAddress(config);
    if (address) {
      boot.ssh = await this.startSsh(boot, this.faults.takeImpostorHostKey() ? generateHostKeys(config.hostname) : this.keys);
      this.network.refuseNextConnections(address.ip, 22, this.faults.takeSshRefusals());
      boot.unexpose = this.network.expose(address.ip, 22, boot.ssh.port);
    }
    this.boot = boot;
    await boot.systemd.bootEnabledUnits();
  }

  private startSsh(boot: Boot, keys: readonly GeneratedHostKey[] = this.keys): Promise<GuestSshServer> {
    return startGuestSshServer({
      hostKeys: keys.map((key) => key.privateKey),
      hostname: boot.config.hostname,
      authorizedKeys: () => this.fs.readFile('/root/.ssh/authorized_keys').catch(() => ''),
      shell: boot.shell,
      processes: boot.processes,
      signal: boot.controller.signal,
    });
  }

  /**
   * Lab fault: new host keys in /etc/ssh and sshd restarted with them, as if the container had been rebuilt behind
   * the same address (or a man in the middle answered). Open SSH sessions end; the next handshake shows the new key.
   */
  async replaceHostKeys(): Promise<GeneratedHostKey[]> {
    if (this.booting) await this.booting.catch(() => undefined);
    const boot = this.boot;
    if (!boot) throw new Error(`CT ${this.vmid} not running`);
    this.keys = generateHostKeys(boot.config.hostname);
    await writeHostKeyFiles(this.fs, this.keys);
    const address = guestAddress(boot.config);
    if (boot.ssh && address) {
      const previous = boot.ssh;
      boot.ssh = await this.startSsh(boot);
      boot.unexpose?.();
      boot.unexpose = this.network.expose(address.ip, 22, boot.ssh.port);
      await previous.close();
    }
    return this.keys;
  }

  /** What LXC and pve-container set up at each start: hostname, lxcfs' /proc files, the /dev/kmsg bind mount. */
  private async prepareFilesystem(config: LxcGuestConfig, view: GuestView): Promise<void> {
    await this.fs.writeFile('/etc/hostname', `${config.hostname}\n`);
    await this.fs.writeFile('/proc/meminfo', procMeminfo(config, memoryUsedMiB(view)));
    await this.fs.writeFile('/proc/cpuinfo', Array.from({ length: config.cores > 0 ? config.cores : 16 }, (_, i) => `processor\t: ${i}\nmodel name\t: AMD EPYC 7302P 16-Core Processor\n`).join('\n'));
    const kmsg = lxcPrerequisites(config).kmsg;
    if (kmsg) await this.fs.writeFile('/dev/kmsg', '');
    else if (await this.fs.exists('/dev/kmsg')) await this.fs.rm('/dev/kmsg');
    for (const run of ['/run/flannel', '/run/k3s']) if (await this.fs.exists(run)) await this.fs.rm(run, { recursive: true, force: true });
  }

  /** Hard stop: processes end at once, the SSH port closes and the address stops answering. */
  async stop(): Promise<void> {
    if (this.booting) await this.booting.catch(() => undefined);
    const boot = this.boot;
    if (!boot) throw new Error(`CT ${this.vmid} not running`);
    this.boot = undefined;
    boot.controller.abort(new Error('container stopped'));
    await boot.systemd.shutdown();
    boot.unexpose?.();
    await boot.ssh?.close();
    const address = guestAddress(boot.config);
    if (address) this.network.detachHost(address.ip);
    await this.timing.wait(500);
  }

  /**
   * `pct exec`: lxc-attach runs the command in the container as a process of its own session, whose parent is
   * outside the container (ps shows PPID 0). Aborting the caller kills its process group, as Ctrl-C would.
   */
  async exec(command: string, options: { stdin?: string; signal?: AbortSignal } = {}): Promise<ExecResult> {
    const boot = this.boot;
    if (!boot) throw new Error(`CT ${this.vmid} not running`);
    const process = boot.processes.spawn({ ppid: 0, args: commandLine(command), session: 'new', writesToChannel: false, script: command });
    const interrupt = () => boot.processes.kill(-process.pgid, 'KILL');
    if (options.signal?.aborted) interrupt();
    options.signal?.addEventListener('abort', interrupt, { once: true });
    try {
      return await boot.shell({ process, table: boot.processes }, command, { stdin: options.stdin });
    } finally {
      options.signal?.removeEventListener('abort', interrupt);
    }
  }

  interfaces(): Array<{ name: string; hwaddr: string; inet?: string; inet6?: string }> {
    if (!this.boot) return [];
    return guestInterfaces(this.boot.config).map(({ name, hwaddr, inet, inet6 }) => ({ name, hwaddr, inet, inet6 }));
  }
}
