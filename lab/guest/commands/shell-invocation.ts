import { defineCommand, latin1FromBytes, type Command } from 'just-bash';
import type { GuestShell } from '../guest-shell';
import { currentProcess } from '../process-context';
import { whenKilled, type GuestProcess } from '../process-table';
import { stdoutRedirected } from '../stdout-redirect';

type CommandContext = Parameters<Command['execute']>[1];

/**
 * sh, bash and dash as child processes of the shell that runs them: `sh -c CMD`, `sh FILE [args]`, and a script
 * from stdin (`sh`, `sh -s [args]`, `sh -`, `bash -s`), which `curl ... | sh -` and the suite's secret-bearing ssh
 * commands rely on. Each gets its own pid (`$$`), joins its parent's process group, and sees only the parent's
 * exported variables.
 */
export function shellInvocationCommands(shell: GuestShell): Command[] {
  return ['sh', 'bash', 'dash'].map((name) => defineCommand(name, (args, ctx) => runShell(shell, name, args, launchFrom(ctx))));
}

/** What a new process inherits from the command that starts it, taken at once: a forked child outlives the command. */
export interface Launch {
  stdin: Buffer;
  cwd: string;
  env: Record<string, string>;
  /** The starting process's signal: the command stops waiting when its own process is killed. */
  parentSignal: AbortSignal;
}

export function launchFrom(ctx: CommandContext): Launch {
  return {
    stdin: Buffer.from(latin1FromBytes(ctx.stdin), 'latin1'),
    cwd: ctx.cwd,
    env: { ...(ctx.exportedEnv ?? Object.fromEntries(ctx.env)) },
    // The process's own signal: just-bash aborts a command's ctx.signal once the command has returned.
    parentSignal: currentProcess()?.process.signal ?? ctx.signal ?? new AbortController().signal,
  };
}

/** Parses a shell's command line into the script it runs and what it reads on stdin, and runs it as a child. */
export async function runShell(shell: GuestShell, name: string, args: string[], launch: Launch, session: 'new' | 'inherit' = 'inherit', prepare?: (child: GuestProcess) => void) {
  const parent = currentProcess();
  const options: string[] = [];
  let index = 0;
  let mode: 'stdin' | 'command' | 'file' = 'file';
  while (index < args.length && args[index].startsWith('-')) {
    const arg = args[index++];
    if (arg === '-' || arg === '--') {
      mode = 'stdin';
      break;
    }
    if (arg.startsWith('--')) continue; // --norc, --noprofile, --posix: nothing to change here
    if (arg.includes('c')) mode = 'command';
    if (arg.includes('s')) mode = 'stdin';
    options.push(...[...arg.slice(1)].filter((flag) => 'exuv'.includes(flag)));
  }
  if (mode === 'file' && index >= args.length) mode = 'stdin';
  let body: string;
  let positional: string[];
  let stdin: Buffer | undefined = launch.stdin;
  if (mode === 'command') {
    if (index >= args.length) return { stdout: '', stderr: `${name}: -c: option requires an argument\n`, exitCode: 2 };
    body = args[index];
    positional = args.slice(index + 2);
  } else if (mode === 'file') {
    const file = shell.fs.resolvePath(launch.cwd, args[index]);
    if (!(await shell.fs.exists(file))) {
      const message = name === 'bash' ? `bash: ${args[index]}: No such file or directory\n` : `${name}: 0: cannot open ${args[index]}: No such file\n`;
      return { stdout: '', stderr: message, exitCode: name === 'bash' ? 127 : 2 };
    }
    body = await shell.fs.readFile(file);
    positional = args.slice(index + 1);
  } else {
    body = launch.stdin.toString('utf8');
    positional = args.slice(index);
    stdin = undefined;
  }
  // On the script's first line, so the shell's `line N` messages count the script's own lines.
  const script = (options.length ? `set -${options.join('')}; ` : '') + (positional.length ? `set -- ${positional.map(quote).join(' ')}; ` : '') + body;
  if (!parent) return { stdout: '', stderr: `${name}: cannot run a script here\n`, exitCode: 2 };
  const words = [name, ...args];
  const child = parent.table.spawn({
    ppid: parent.process.pid,
    args: words.join(' '),
    session,
    script: body,
    writesToChannel: parent.process.writesToChannel && !stdoutRedirected(parent.process.script ?? '', words),
  });
  prepare?.(child);
  const run = shell({ ...parent, process: child }, script, { stdin, env: launch.env, cwd: launch.cwd });
  // A parent killed before its child returns at once; the child goes on, reparented to init.
  return Promise.race([run, whenKilled(launch.parentSignal)]);
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
