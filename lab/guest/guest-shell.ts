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
import { shellFilesystem } from './shell-filesystem';
import { asBash, lineOf } from './shell-messages';
import { k3sInstallerCommand } from './k3s-installer';

/** Runs a command; stdin as text (pct exec) or as the bytes an SSH client sent (binary files copied in stay exact). */
export type GuestShell = (command: string, options?: { stdin?: string | Buffer; signal?: AbortSignal }) => Promise<ExecResult>;

/** root's login shell in the guest: just-bash over the container's filesystem, with the guest's own commands added. */
export function createGuestShell(view: GuestView): GuestShell {
  const hostname = view.bootConfig().hostname;
  const bash = new Bash({
    fs: shellFilesystem(view.fs),
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
      const bytes = Buffer.isBuffer(options.stdin);
      const stdin = bytes ? (options.stdin as Buffer).toString('latin1') : (options.stdin as string | undefined);
      const result = await bash.exec(command, { stdin, stdinKind: bytes ? 'bytes' : 'text', signal: options.signal, cwd: '/root' });
      const stderr = await directoryErrors(asBash(result.stderr, command), view);
      return { stdout: asBash(result.stdout, command), stderr, exitCode: result.exitCode };
    } catch (error) {
      // just-bash lets a failed output redirection (`> /missing/dir/f`) escape; bash reports it and goes on.
      const { code, path, message } = error as NodeJS.ErrnoException;
      const reason = code === 'ENOENT' ? 'No such file or directory' : code === 'ENOTDIR' ? 'Not a directory' : code === 'EISDIR' ? 'Is a directory' : undefined;
      if (reason && path) return { stdout: '', stderr: `bash: line ${lineOf(command, path)}: ${path}: ${reason}\n`, exitCode: 1 };
      return { stdout: '', stderr: `bash: ${message}\n`, exitCode: 1 };
    }
  };
}

/** just-bash's cat/head/tail say "No such file or directory" for a directory too; coreutils says "Is a directory". */
async function directoryErrors(stderr: string, view: GuestView): Promise<string> {
  const lines = stderr.split('\n');
  for (const [i, line] of lines.entries()) {
    const match = /^(cat|head|tail|wc|sort|sha256sum|base64): (.+): No such file or directory$/.exec(line);
    if (!match) continue;
    const path = view.fs.resolvePath('/root', match[2]);
    if ((await view.fs.exists(path)) && (await view.fs.stat(path)).isDirectory) lines[i] = `${match[1]}: ${match[2]}: Is a directory`;
  }
  return lines.join('\n');
}
