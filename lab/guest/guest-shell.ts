import { Bash, type Command, type IFileSystem } from 'just-bash';
import type { ExecResult } from '../contracts/container-runtime';
import { curlCommand } from './commands/curl';
import { dfCommand } from './commands/disk';
import { ipCommand } from './commands/ip';
import { journalctlCommand } from './commands/journalctl';
import { k3sToolCommands } from './commands/k3s-tools';
import { freeCommand } from './commands/memory';
import { processToolCommands } from './commands/process-tools';
import { shellInvocationCommands } from './commands/shell-invocation';
import { systemInfoCommands } from './commands/system-info';
import { sysctlCommand } from './commands/sysctl';
import { systemctlCommand } from './commands/systemctl';
import type { GuestView } from './guest-view';
import { runAsProcess, type ProcessContext } from './process-context';
import { whenKilled } from './process-table';
import { shellFilesystem } from './shell-filesystem';
import { asBash, lineOf } from './shell-messages';
import { k3sInstallerCommand } from './k3s-installer';

export interface ShellRunOptions {
  /** Text (pct exec) or the bytes an SSH client sent (binary files copied in stay exact). */
  stdin?: string | Buffer;
  /** The process's environment (exported variables); root's login environment when absent. */
  env?: Record<string, string>;
  cwd?: string;
}

/** Runs a script as a shell process of the guest; resolves when the process exits or is killed. */
export type GuestShell = ((context: ProcessContext, script: string, options?: ShellRunOptions) => Promise<ExecResult>) & {
  /** The filesystem as the shells' processes see it (a command's own ctx.fs is revoked once it returns). */
  fs: IFileSystem;
};

/**
 * root's shells in the guest: just-bash over the container's filesystem with the guest's own commands added, one
 * interpreter per process so `$$` is that process's pid. The result is the process's exit: its status, or 128 plus
 * the signal that killed it (the process leaves the table either way).
 */
export function createGuestShell(view: GuestView): GuestShell {
  const hostname = view.bootConfig().hostname;
  const loginEnv = {
    HOME: '/root', USER: 'root', LOGNAME: 'root', SHELL: '/bin/bash', HOSTNAME: hostname, LANG: 'C.UTF-8',
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  };
  const fs = shellFilesystem(view.fs);
  const commands: Command[] = [];
  const run = async (context: ProcessContext, script: string, options: ShellRunOptions = {}): Promise<ExecResult> => {
    const { process, table } = context;
    const bash = new Bash({
      fs,
      cwd: options.cwd ?? '/root',
      env: options.env ?? loginEnv,
      processInfo: { pid: process.pid, ppid: process.ppid, uid: 0, gid: 0 },
      // The installer blocks as long as the agent is not ready; only a signal ends it.
      executionLimits: { maxExecutionTimeMs: Infinity },
      customCommands: commands,
    });
    const bytes = Buffer.isBuffer(options.stdin);
    const stdin = bytes ? (options.stdin as Buffer).toString('latin1') : (options.stdin as string | undefined);
    const running = runAsProcess(context, () => bash.exec(script, { stdin, stdinKind: bytes ? 'bytes' : 'text', signal: process.signal, cwd: options.cwd ?? '/root' }))
      .then(async (result) => ({ stdout: asBash(result.stdout, script), stderr: await directoryErrors(asBash(result.stderr, script), view), exitCode: result.exitCode }))
      .catch((error) => failedRedirection(error, script));
    const result = await Promise.race([running, whenKilled(process.signal)]);
    table.exit(process.pid, result.exitCode);
    return result;
  };
  const shell: GuestShell = Object.assign(run, { fs });
  commands.push(
    ...shellInvocationCommands(shell),
    ...processToolCommands(shell),
    ...systemInfoCommands(view),
    freeCommand(view),
    dfCommand(view),
    ipCommand(view),
    systemctlCommand(view),
    sysctlCommand(view),
    journalctlCommand(view),
    curlCommand(view),
    k3sInstallerCommand(view),
    ...k3sToolCommands(view),
  );
  return shell;
}

/** just-bash lets a failed output redirection (`> /missing/dir/f`) escape; bash reports it and goes on. */
function failedRedirection(error: unknown, script: string): ExecResult {
  const { code, path, message } = error as NodeJS.ErrnoException;
  const reason = code === 'ENOENT' ? 'No such file or directory' : code === 'ENOTDIR' ? 'Not a directory' : code === 'EISDIR' ? 'Is a directory' : undefined;
  if (reason && path) return { stdout: '', stderr: `bash: line ${lineOf(script, path)}: ${path}: ${reason}\n`, exitCode: 1 };
  return { stdout: '', stderr: `bash: ${message}\n`, exitCode: 1 };
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
