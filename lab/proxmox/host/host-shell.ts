import { Bash, defineCommand, InMemoryFs } from 'just-bash';
import type { ExecResult } from '../../contracts/container-runtime';
import type { NodeContext } from '../node-context';
import { pctCommand, type ConfFileSync } from './pct';
import { pveumCommand } from './pveum';
import { ipCommand } from './ip-command';
import { pingCommand } from './ping';
import { qmCommand } from './qm';
import { sysctlCommand } from './sysctl';
import { Neighbours } from '../node/neighbours';
import { PVE_VERSION } from '../api/routes/version';
import { HOST_KERNEL } from '../../contracts/container-runtime';

const CONF_DIR = '/etc/pve/lxc';

/**
 * The Proxmox host's root shell as an SSH exec channel sees it: a simulated bash (pipes, redirection, heredocs)
 * with pct and friends, where /etc/pve/lxc/VMID.conf shows the node's configs and hand edits flow back into them.
 */
export class HostShell implements ConfFileSync {
  private readonly fs: InMemoryFs;
  private readonly bash: Bash;
  /** The text each conf file had when last copied between the store and the shell's filesystem. */
  private synced = new Map<number, string>();

  constructor(private readonly ctx: NodeContext) {
    const neighbours = new Neighbours(ctx);
    const text = (name: string, stdout: string) => defineCommand(name, async () => ({ stdout, stderr: '', exitCode: 0 }));
    // Bash ignores `files` when given a filesystem: the files go into the filesystem itself.
    this.fs = new InMemoryFs({
      '/etc/hostname': `${ctx.nodeName}\n`,
      '/etc/os-release': 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
      '/etc/pve/.version': '{}\n',
      '/root/.keep': '',
    });
    this.bash = new Bash({
      fs: this.fs,
      cwd: '/root',
      env: { HOME: '/root', USER: 'root', LOGNAME: 'root', SHELL: '/bin/bash', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
      customCommands: [
        pctCommand(ctx, this),
        pveumCommand(ctx.users, ctx.countWrite),
        qmCommand(ctx),
        pingCommand(ctx, neighbours),
        ipCommand(neighbours),
        sysctlCommand(ctx.kernel),
        text('pveversion', `pve-manager/${PVE_VERSION.version}/${PVE_VERSION.repoid} (running kernel: ${HOST_KERNEL.release})\n`),
        text('hostname', `${ctx.nodeName}\n`),
        text('whoami', 'root\n'),
        ...ctx.extraHostCommands(this.fs),
      ],
    });
  }

  async run(command: string, options: { stdin?: string; signal?: AbortSignal } = {}): Promise<ExecResult> {
    await this.push();
    const result = await this.bash.exec(command, { rawScript: true, stdin: options.stdin, signal: options.signal });
    await this.pull();
    // bash -c names the line of a missing command; just-bash leaves the line out.
    const stderr = result.stderr.replace(/^bash: ([^\n:]+): command not found$/gm, 'bash: line 1: $1: command not found');
    return { stdout: result.stdout, stderr, exitCode: result.exitCode };
  }

  /** Store → files: every CT's current text, and no file for a CT that is gone. */
  async push(): Promise<void> {
    await this.fs.mkdir(CONF_DIR, { recursive: true });
    const next = new Map<number, string>();
    for (const vmid of this.ctx.store.vmids()) {
      const text = this.ctx.store.text(vmid)!;
      next.set(vmid, text);
      const path = `${CONF_DIR}/${vmid}.conf`;
      if (!(await this.fs.exists(path)) || (await this.fs.readFile(path)) !== text) await this.fs.writeFile(path, text);
    }
    for (const name of await this.fs.readdir(CONF_DIR)) {
      const vmid = vmidOf(name);
      if (vmid !== undefined && !next.has(vmid)) await this.fs.rm(`${CONF_DIR}/${name}`, { force: true });
    }
    this.synced = next;
  }

  /** Files → store: a file that differs from what was last synced was edited by hand (counts as a write). */
  async pull(): Promise<void> {
    let changed = false;
    const seen = new Set<number>();
    const names = (await this.fs.exists(CONF_DIR)) ? await this.fs.readdir(CONF_DIR) : [];
    for (const name of names) {
      const vmid = vmidOf(name);
      if (vmid === undefined) continue;
      seen.add(vmid);
      const text = await this.fs.readFile(`${CONF_DIR}/${name}`);
      if (text !== this.synced.get(vmid)) {
        this.ctx.store.writeText(vmid, text);
        this.synced.set(vmid, text);
        changed = true;
      }
    }
    for (const vmid of [...this.synced.keys()]) {
      if (seen.has(vmid)) continue;
      // Removing the file by hand removes the CT from the cluster's view, as on pmxcfs.
      this.ctx.store.remove(vmid);
      this.synced.delete(vmid);
      changed = true;
    }
    if (changed) this.ctx.countWrite();
  }
}

function vmidOf(name: string): number | undefined {
  const m = name.match(/^([1-9][0-9]{2,8})\.conf$/);
  return m ? parseInt(m[1], 10) : undefined;
}
