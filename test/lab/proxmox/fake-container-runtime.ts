import type { ContainerRuntime, CreateGuestRequest, ExecResult, LxcGuestConfig } from '../../../lab/contracts/container-runtime';
import type { GuestHost } from '../../../lab/contracts/host-kernel';

/** A ContainerRuntime that records what the node asked of it; lab/guest provides the real one. */
export class FakeContainerRuntime implements ContainerRuntime {
  readonly created: CreateGuestRequest[] = [];
  readonly started: LxcGuestConfig[] = [];
  readonly execs: Array<{ vmid: number; command: string; stdin?: string }> = [];
  readonly running = new Set<number>();
  /** The node (and its kernel) each CT was last started on. */
  readonly hosts = new Map<number, GuestHost>();
  failCreate?: Error;
  private createGate?: Promise<void>;

  /** Makes create calls wait until the returned function is called (a long vzcreate, deterministically). */
  holdCreates(): () => void {
    let release!: () => void;
    this.createGate = new Promise((resolve) => (release = resolve));
    return () => {
      this.createGate = undefined;
      release();
    };
  }

  templates(): string[] {
    return ['ubuntu-22.04-standard_22.04-1_amd64.tar.zst', 'debian-12-standard_12.7-1_amd64.tar.zst'];
  }

  async create(request: CreateGuestRequest) {
    await this.createGate;
    if (this.failCreate) throw this.failCreate;
    this.created.push(request);
    return {
      architecture: 'amd64',
      hostKeys: [
        { type: 'rsa', fingerprint: 'SHA256:rsaFAKEfingerprint0000000000000000000000000', publicKey: 'ssh-rsa AAAA' },
        { type: 'ed25519', fingerprint: 'SHA256:edFAKEfingerprint00000000000000000000000000', publicKey: 'ssh-ed25519 AAAA' },
      ],
    };
  }

  async start(config: LxcGuestConfig, host: GuestHost) {
    this.started.push(config);
    this.hosts.set(config.vmid, host);
    this.running.add(config.vmid);
  }

  async stop(vmid: number) {
    this.running.delete(vmid);
  }

  async destroy(vmid: number) {
    this.running.delete(vmid);
  }

  isRunning(vmid: number): boolean {
    return this.running.has(vmid);
  }

  async exec(vmid: number, command: string, options?: { stdin?: string }): Promise<ExecResult> {
    this.execs.push({ vmid, command, stdin: options?.stdin });
    if (command === 'cat /etc/hostname') return { stdout: 'k3s-worker-01\n', stderr: '', exitCode: 0 };
    if (command.startsWith('false')) return { stdout: '', stderr: 'boom\n', exitCode: 3 };
    return { stdout: `ran: ${command}\n`, stderr: '', exitCode: 0 };
  }

  interfaces(vmid: number) {
    return this.running.has(vmid) ? [{ name: 'eth0', hwaddr: 'BC:24:11:00:00:01', inet: '192.168.2.21/24' }] : [];
  }
}
