import { Bash } from 'just-bash';
import type { ExecResult } from '../contracts/container-runtime';
import { curlCommand } from './commands/curl';
import { dfCommand } from './commands/disk';
import { ipCommand } from './commands/ip';
import { journalctlCommand } from './commands/journalctl';
import { k3sToolCommands } from './commands/k3s-tools';
import { freeCommand } from './commands/memory';
import { shellInvocationCommands } from './commands/shell-invocation';
import { systemInfoCommands } from './commands/system-info';
import { systemctlCommand } from './commands/systemctl';
import type { GuestView } from './guest-view';
import { k3sInstallerCommand } from './k3s-installer';

export type GuestShell = (command: string, options?: { stdin?: string; signal?: AbortSignal }) => Promise<ExecResult>;

/** root's login shell in the guest: just-bash over the container's filesystem, with the guest's own commands added. */
export function createGuestShell(view: GuestView): GuestShell {
  const hostname = view.bootConfig().hostname;
  const bash = new Bash({
    fs: view.fs,
    cwd: '/root',
    env: {
      HOME: '/root', USER: 'root', LOGNAME: 'root', SHELL: '/bin/bash', HOSTNAME: hostname, LANG: 'C.UTF-8',
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    },
    // The installer blocks as long as the agent is not ready; only the caller's deadline (abort) ends it.
    executionLimits: { maxExecutionTimeMs: Infinity },
    customCommands: [
      ...shellInvocationCommands(),
      ...systemInfoCommands(view),
      freeCommand(view),
      dfCommand(view),
      ipCommand(view),
      systemctlCommand(view),
      journalctlCommand(view),
      curlCommand(view),
      k3sInstallerCommand(view),
      ...k3sToolCommands(view),
    ],
  });
  return async (command, options = {}) => {
    try {
      const result = await bash.exec(command, { stdin: options.stdin, signal: options.signal, cwd: '/root' });
      return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
    } catch (error) {
      return { stdout: '', stderr: `bash: ${(error as Error).message}\n`, exitCode: 1 };
    }
  };
}
