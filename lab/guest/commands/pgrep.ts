import { defineCommand, type Command } from 'just-bash';
import { writeOutput } from '../guest-view';
import { currentProcess } from '../process-context';
import { SIGNALS, type GuestProcess, type SignalName } from '../process-table';
import { execd } from './ps';

/**
 * pgrep and pkill from procps-ng 3.3.17: PATTERN is an extended regex against the process name (15 characters) or,
 * with -f, the whole command line; -x exact, -a/-l list, -n/-o newest/oldest, -c count, -P parent, -g group,
 * -s session, -d delimiter; pkill sends SIGTERM or -SIGNAL. Neither matches itself (but a shell that started it
 * with the pattern in its own command line, as for real). Exit 0 when something matched, 1 when nothing did.
 */
export function pgrepCommands(): Command[] {
  return [defineCommand('pgrep', (args) => run('pgrep', args)), defineCommand('pkill', (args) => run('pkill', args))];
}

async function run(name: 'pgrep' | 'pkill', args: string[]) {
  const context = currentProcess();
  if (!context) return writeOutput('', `${name}: no process table\n`, 3);
  let full = false;
  let exact = false;
  let listing: 'pid' | 'name' | 'full' = 'pid';
  let pick: 'newest' | 'oldest' | undefined;
  let count = false;
  let delimiter = '\n';
  let signal: SignalName = 'TERM';
  const filters: Array<(p: GuestProcess) => boolean> = [];
  const patterns: string[] = [];
  const numbers = (value: string) => value.split(',').map(Number);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const value = () => args[++i] ?? '';
    if (name === 'pkill' && /^-([A-Z]+|\d+)$/.test(arg)) {
      const parsed = parseSignal(arg.slice(1));
      if (!parsed) return writeOutput('', `pkill: Unknown signal "${arg.slice(1)}".\n`, 2);
      signal = parsed;
    } else if (arg === '--signal') {
      const parsed = parseSignal(value());
      if (!parsed) return writeOutput('', 'pkill: Unknown signal.\n', 2);
      signal = parsed;
    } else if (arg === '-P' || arg === '--parent') { const ppids = numbers(value()); filters.push((p) => ppids.includes(p.ppid)); }
    else if (arg === '-g' || arg === '--pgroup') { const groups = numbers(value()); filters.push((p) => groups.includes(p.pgid)); }
    else if (arg === '-s' || arg === '--session') { const sessions = numbers(value()); filters.push((p) => sessions.includes(p.sid)); }
    else if (arg === '-d' || arg === '--delimiter') delimiter = value();
    else if (arg === '-u' || arg === '-U' || arg === '--euid' || arg === '--uid') { const users = value().split(','); filters.push(() => users.includes('root') || users.includes('0')); }
    else if (/^-[fxalnoc]+$/.test(arg)) {
      for (const flag of arg.slice(1)) {
        if (flag === 'f') full = true;
        if (flag === 'x') exact = true;
        if (flag === 'a') listing = 'full';
        if (flag === 'l') listing = 'name';
        if (flag === 'n') pick = 'newest';
        if (flag === 'o') pick = 'oldest';
        if (flag === 'c') count = true;
      }
    } else if (arg === '--full') full = true;
    else if (arg.startsWith('-') && arg !== '-') return writeOutput('', `${name}: invalid option -- '${arg.replace(/^-+/, '')[0]}'\n\nUsage:\n ${name} [options] <pattern>\n`, 2);
    else patterns.push(arg);
  }
  if (patterns.length > 1) return writeOutput('', `${name}: only one pattern can be provided\nTry \`${name} --help' for more information.\n`, 2);
  if (!patterns.length && !filters.length) return writeOutput('', `${name}: no matching criteria specified\nTry \`${name} --help' for more information.\n`, 2);
  let regex: RegExp | undefined;
  try {
    regex = patterns.length ? new RegExp(exact ? `^(?:${patterns[0]})$` : patterns[0]) : undefined;
  } catch {
    return writeOutput('', `${name}: regex error\n`, 2);
  }
  const { table, process: current } = context;
  const matches = table.list().filter((p) => {
    if (execd(current, name) ? p === current : false) return false;
    const subject = full ? p.args : p.args.split(' ')[0].replace(/^.*\//, '').slice(0, 15);
    return (!regex || regex.test(subject)) && filters.every((keep) => keep(p));
  });
  const chosen = pick === 'newest' ? matches.slice(-1) : pick === 'oldest' ? matches.slice(0, 1) : matches;
  if (name === 'pkill') {
    for (const process of chosen) table.kill(process.pid, signal);
    return writeOutput('', '', chosen.length ? 0 : 1);
  }
  if (count) return writeOutput(`${chosen.length}\n`, '', chosen.length ? 0 : 1);
  const show = (p: GuestProcess) => (listing === 'full' ? `${p.pid} ${p.args}` : listing === 'name' ? `${p.pid} ${p.args.split(' ')[0].replace(/^.*\//, '').slice(0, 15)}` : String(p.pid));
  return writeOutput(chosen.length ? chosen.map(show).join(delimiter) + '\n' : '', '', chosen.length ? 0 : 1);
}

/** TERM, SIGTERM, 15 -> TERM. */
export function parseSignal(text: string): SignalName | undefined {
  const upper = text.toUpperCase().replace(/^SIG/, '');
  if (/^\d+$/.test(upper)) return (Object.keys(SIGNALS) as SignalName[]).find((name) => SIGNALS[name] === Number(upper));
  return upper in SIGNALS ? (upper as SignalName) : undefined;
}
