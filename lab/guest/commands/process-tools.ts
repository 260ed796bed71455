import { defineCommand, type Command } from 'just-bash';
import type { ExecResult } from '../../contracts/container-runtime';
import type { GuestShell } from '../guest-shell';
import { writeOutput } from '../guest-view';
import { currentProcess, type ProcessContext } from '../process-context';
import { whenKilled } from '../process-table';
import { stdoutRedirected } from '../stdout-redirect';
import { parseSignal, pgrepCommands } from './pgrep';
import { execd, psCommand } from './ps';
import { launchFrom, runShell, type Launch } from './shell-invocation';

/** ps, pgrep, pkill, kill, setsid and nohup over the guest's process table. */
export function processToolCommands(shell: GuestShell): Command[] {
  return [psCommand(), ...pgrepCommands(), killCommand(), setsidCommand(shell), nohupCommand(shell)];
}

const KILL_USAGE = 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n';

/**
 * bash 5.1's kill builtin: `kill [-s SIG | -n N | -SIG] PID|-PGID ...` (a negative id is a process group; after
 * `--` it is not an option), signal 0 only checks. Errors as bash words them: `kill: (PID) - No such process`.
 */
function killCommand(): Command {
  return defineCommand('kill', async (args) => {
    const context = currentProcess();
    if (!context) return writeOutput('', 'bash: kill: no process table\n', 1);
    let signal: ReturnType<typeof parseSignal> | 0 = 'TERM';
    let i = 0;
    if (args[0] === '-l' || args[0] === '-L') return writeOutput(listSignals());
    const spec = args[0] === '-s' || args[0] === '-n' ? args[1] : args[0]?.startsWith('-') && args[0] !== '--' ? args[0].slice(1) : undefined;
    if (spec !== undefined) {
      signal = spec === '0' ? 0 : parseSignal(spec ?? '');
      if (signal === undefined) return writeOutput('', `bash: kill: ${spec}: invalid signal specification\n`, 1);
      i = args[0] === '-s' || args[0] === '-n' ? 2 : 1;
    }
    if (args[i] === '--') i += 1;
    const targets = args.slice(i);
    if (!targets.length) return writeOutput('', `bash: ${KILL_USAGE}`, 2);
    let stderr = '';
    for (const target of targets) {
      if (!/^-?\d+$/.test(target)) {
        stderr += `bash: kill: ${target}: arguments must be process or job IDs\n`;
        continue;
      }
      if (context.table.kill(Number(target), signal) === 0) stderr += `bash: kill: (${target}) - No such process\n`;
    }
    return writeOutput('', stderr, stderr ? 1 : 0);
  });
}

function listSignals(): string {
  const names = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM'];
  return names.map((name, i) => `${String(i + 1).padStart(2)}) SIG${name}`).join('\t') + '\n';
}

/**
 * setsid from util-linux 2.37: runs PROGRAM in a new session and process group. It forks first when asked (-f) or
 * when it is itself a process group leader (bash execs a single command given to `ssh host CMD`, so setsid is then
 * the session leader sshd made); the parent exits 0 at once unless -w makes it wait for the child's status.
 * Without a fork it is PROGRAM, and its status is the program's.
 */
function setsidCommand(shell: GuestShell): Command {
  return defineCommand('setsid', async (args, ctx) => {
    let fork = false;
    let wait = false;
    let i = 0;
    for (; i < args.length && args[i].startsWith('-'); i += 1) {
      const arg = args[i];
      if (arg === '--') { i += 1; break; }
      if (arg === '-f' || arg === '--fork') fork = true;
      else if (arg === '-w' || arg === '--wait') wait = true;
      else if (arg === '-c' || arg === '--ctty') continue;
      else return writeOutput('', `setsid: invalid option -- '${arg.replace(/^-+/, '')[0]}'\nTry 'setsid --help' for more information.\n`, 1);
    }
    const argv = args.slice(i);
    if (!argv.length) return writeOutput('', "setsid: no command specified\nTry 'setsid --help' for more information.\n", 1);
    const context = currentProcess();
    if (!context) return writeOutput('', 'setsid: no process table\n', 1);
    const leader = context.process.pid === context.process.pgid && execd(context.process, 'setsid');
    const launch = launchFrom(ctx);
    const running = runArgv(shell, argv, launch, context, { session: 'new', words: ['setsid', ...args] });
    if (!(fork || leader) || wait) return Promise.race([running, whenKilled(launch.parentSignal)]);
    context.channel?.holders.push(running);
    return writeOutput('');
  });
}

/** nohup from coreutils: PROGRAM immune to SIGHUP (its output stays where it was: there is no terminal to leave). */
function nohupCommand(shell: GuestShell): Command {
  return defineCommand('nohup', async (args, ctx) => {
    const context = currentProcess();
    if (!args.length) return writeOutput('', "nohup: missing operand\nTry 'nohup --help' for more information.\n", 125);
    if (!context) return writeOutput('', 'nohup: no process table\n', 125);
    const launch = launchFrom(ctx);
    const running = runArgv(shell, args, launch, context, { session: 'inherit', ignoresHangup: true, words: ['nohup', ...args] });
    return Promise.race([running, whenKilled(launch.parentSignal)]);
  });
}

/** Starts `argv` as a new process of the guest (a shell is run as that shell; anything else in one). */
function runArgv(shell: GuestShell, argv: string[], launch: Launch, parent: ProcessContext, options: { session: 'new' | 'inherit'; ignoresHangup?: boolean; words: string[] }): Promise<ExecResult> {
  const [program, ...rest] = argv;
  const name = program.replace(/^.*\//, '');
  if (['sh', 'bash', 'dash'].includes(name)) {
    return runShell(shell, name, rest, launch, options.session, (child) => (child.ignoresHangup = !!options.ignoresHangup));
  }
  const child = parent.table.spawn({
    ppid: parent.process.pid,
    args: argv.join(' '),
    session: options.session,
    writesToChannel: parent.process.writesToChannel && !stdoutRedirected(parent.process.script ?? '', options.words),
  });
  child.ignoresHangup = !!options.ignoresHangup;
  const script = argv.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  return shell({ ...parent, process: child }, script, { stdin: launch.stdin, env: launch.env, cwd: launch.cwd });
}
