import { defineCommand, type Command } from 'just-bash';
import { writeOutput } from '../guest-view';
import { currentProcess } from '../process-context';
import type { GuestProcess } from '../process-table';

interface Column {
  header: string;
  width: number;
  right: boolean;
  value(process: GuestProcess, self: GuestProcess): string;
}

const two = (n: number) => String(n).padStart(2, '0');
const hhmm = (date: Date) => `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
const elapsed = (process: GuestProcess) => Math.max(0, Math.floor((Date.now() - process.startedAt.getTime()) / 1000));

/** STAT: S sleeping (R for ps itself), s session leader, then l (threads) or + (terminal foreground). */
export function processStat(process: GuestProcess, self?: GuestProcess): string {
  return `${process === self ? 'R' : 'S'}${process.pid === process.sid ? 's' : ''}${process.flags}`;
}

/** procps-ng 3.3.17's format specifiers (ps/output.c): header, width and justification; PIDs are 7 wide (pid_max 4194304). */
const COLUMNS: Record<string, Omit<Column, 'header'> & { header: string }> = {
  pid: { header: 'PID', width: 7, right: true, value: (p) => String(p.pid) },
  tgid: { header: 'TGID', width: 7, right: true, value: (p) => String(p.pid) },
  ppid: { header: 'PPID', width: 7, right: true, value: (p) => String(p.ppid) },
  pgid: { header: 'PGID', width: 7, right: true, value: (p) => String(p.pgid) },
  pgrp: { header: 'PGRP', width: 7, right: true, value: (p) => String(p.pgid) },
  sid: { header: 'SID', width: 7, right: true, value: (p) => String(p.sid) },
  sess: { header: 'SESS', width: 7, right: true, value: (p) => String(p.sid) },
  session: { header: 'SESS', width: 7, right: true, value: (p) => String(p.sid) },
  stat: { header: 'STAT', width: 4, right: false, value: (p, self) => processStat(p, self) },
  state: { header: 'S', width: 1, right: false, value: (p, self) => (p === self ? 'R' : 'S') },
  s: { header: 'S', width: 1, right: false, value: (p, self) => (p === self ? 'R' : 'S') },
  args: { header: 'COMMAND', width: 27, right: false, value: (p) => p.args },
  command: { header: 'COMMAND', width: 27, right: false, value: (p) => p.args },
  cmd: { header: 'CMD', width: 27, right: false, value: (p) => p.args },
  comm: { header: 'COMMAND', width: 15, right: false, value: (p) => commandName(p) },
  ucomm: { header: 'COMMAND', width: 15, right: false, value: (p) => commandName(p) },
  user: { header: 'USER', width: 8, right: false, value: () => 'root' },
  uname: { header: 'USER', width: 8, right: false, value: () => 'root' },
  euser: { header: 'EUSER', width: 8, right: false, value: () => 'root' },
  uid: { header: 'UID', width: 5, right: true, value: () => '0' },
  tty: { header: 'TT', width: 8, right: false, value: (p) => tty(p) },
  tname: { header: 'TTY', width: 8, right: false, value: (p) => tty(p) },
  time: { header: 'TIME', width: 8, right: true, value: () => '00:00:00' },
  etime: { header: 'ELAPSED', width: 11, right: true, value: (p) => etime(elapsed(p)) },
  etimes: { header: 'ELAPSED', width: 7, right: true, value: (p) => String(elapsed(p)) },
  stime: { header: 'STIME', width: 5, right: true, value: (p) => hhmm(p.startedAt) },
  start: { header: 'STARTED', width: 8, right: true, value: (p) => `${hhmm(p.startedAt)}:${two(p.startedAt.getUTCSeconds())}` },
  pcpu: { header: '%CPU', width: 4, right: true, value: () => '0.0' },
  '%cpu': { header: '%CPU', width: 4, right: true, value: () => '0.0' },
  pmem: { header: '%MEM', width: 4, right: true, value: () => '0.0' },
  '%mem': { header: '%MEM', width: 4, right: true, value: () => '0.0' },
  nlwp: { header: 'NLWP', width: 4, right: true, value: (p) => (p.flags.includes('l') ? '12' : '1') },
};

/** Formats the standard options give (ps/output.c macros): -f, BSD u, and the default. */
const FULL = 'uid_hack,pid,ppid,c,stime,tname,time,cmd';
const USER = 'user,pid,pcpu,pmem,vsz,rss,tname,stat,start_time,bsdtime,args';
const DEFAULT = 'pid,tname,time,ucmd';
const EXTRA: Record<string, Omit<Column, 'header'> & { header: string }> = {
  uid_hack: { header: 'UID', width: 8, right: false, value: () => 'root' },
  c: { header: 'C', width: 2, right: true, value: () => '0' },
  vsz: { header: 'VSZ', width: 6, right: true, value: (p) => String(memory(p)[0]) },
  rss: { header: 'RSS', width: 5, right: true, value: (p) => String(memory(p)[1]) },
  start_time: { header: 'START', width: 5, right: true, value: (p) => hhmm(p.startedAt) },
  bsdtime: { header: 'TIME', width: 6, right: true, value: () => '0:00' },
  ucmd: { header: 'CMD', width: 15, right: false, value: (p) => commandName(p) },
};

/**
 * ps from procps-ng 3.3.17 (Ubuntu 22.04): every process in the container with -e/-A/ax/aux (and without options, as
 * there is no terminal), -f and u formats, -o/--format lists (`pid=` drops a header), -p/--pid, --ppid, -s/--sid,
 * --no-headers. ps itself is listed, state R.
 */
export function psCommand(): Command {
  return defineCommand('ps', async (args) => {
    const context = currentProcess();
    if (!context) return writeOutput('', 'ps: no process table\n', 1);
    let format: string | undefined;
    let headers = true;
    const filters: Array<(p: GuestProcess) => boolean> = [];
    const list = (value: string) => value.split(/[,\s]+/).filter(Boolean).map(Number);
    for (let i = 0; i < args.length; i += 1) {
      const arg = args[i];
      const value = () => args[++i] ?? '';
      if (arg === '-o' || arg === 'o' || arg === '--format' || arg === '-O') format = format ? `${format},${value()}` : value();
      else if (/^-[eAfF]*o$/.test(arg) && arg.length > 2) {
        if (arg.includes('f')) format = FULL;
        format = format && format !== FULL ? `${format},${value()}` : value();
      } else if (arg === '-p' || arg === '--pid' || arg === 'p') { const pids = list(value()); filters.push((p) => pids.includes(p.pid)); }
      else if (arg === '--ppid') { const ppids = list(value()); filters.push((p) => ppids.includes(p.ppid)); }
      else if (arg === '-s' || arg === '--sid') { const sids = list(value()); filters.push((p) => sids.includes(p.sid)); }
      else if (arg === '--no-headers' || arg === '--no-heading' || arg === 'h') headers = false;
      else if (/^-[eAf]+$/.test(arg)) { if (arg.includes('f')) format = FULL; }
      else if (/^[aux]+$/.test(arg)) { if (arg.includes('u')) format = USER; }
      else if (/^-?w+$/.test(arg)) continue;
      else return writeOutput('', `error: unsupported option (BSD syntax)\n${USAGE}`, 1);
    }
    let columns: Column[];
    try {
      columns = parseFormat(format ?? DEFAULT);
    } catch (error) {
      return writeOutput('', `${(error as Error).message}\n${USAGE}`, 1);
    }
    const { table, process: current } = context;
    const self = execd(current, 'ps') ? current : table.spawn({ ppid: current.pid, args: ['ps', ...args].join(' '), writesToChannel: false });
    try {
      const processes = table.list().filter((p) => filters.every((keep) => keep(p)));
      return writeOutput(render(columns, processes, self, headers));
    } finally {
      if (self !== current) table.exit(self.pid, 0);
    }
  });
}

const USAGE = "\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n";

/** Whether the current process is `command` itself: bash execs a single simple command instead of forking it. */
export function execd(process: GuestProcess, command: string): boolean {
  return process.args === command || process.args.startsWith(`${command} `);
}

function parseFormat(format: string): Column[] {
  return format.split(/[,\s]+/).filter(Boolean).map((spec) => {
    const [name, header] = spec.includes('=') ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)] : [spec, undefined];
    const column = COLUMNS[name.toLowerCase()] ?? EXTRA[name.toLowerCase()];
    if (!column) throw Object.assign(new Error(`error: unknown user-defined format specifier "${name}"`), { psUsage: true });
    return { ...column, header: header ?? column.header };
  });
}

function render(columns: Column[], processes: GuestProcess[], self: GuestProcess, headers: boolean): string {
  const line = (cells: string[]) =>
    cells.map((cell, i) => {
      const column = columns[i];
      const width = Math.max(column.width, column.header.length);
      const last = i === columns.length - 1;
      if (column.right) return cell.padStart(width);
      return last ? cell : cell.padEnd(width);
    }).join(' ') + '\n';
  const showHeader = headers && columns.some((column) => column.header !== '');
  return (showHeader ? line(columns.map((column) => column.header)) : '') + processes.map((p) => line(columns.map((column) => column.value(p, self)))).join('');
}

function commandName(process: GuestProcess): string {
  const first = process.args.split(' ')[0];
  if (process.pid === 1) return 'systemd'; // /sbin/init is a link to systemd
  if (first.startsWith('sshd:')) return 'sshd';
  return first.replace(/^.*\//, '').replace(/^@/, '').slice(0, 15);
}

function tty(process: GuestProcess): string {
  return process.flags.includes('+') ? 'console' : '?';
}

function etime(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const rest = `${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  if (days) return `${days}-${two(hours)}:${rest}`;
  return hours ? `${two(hours)}:${rest}` : rest;
}

/** VSZ and RSS in KiB, of the order a real process of that kind shows. */
function memory(process: GuestProcess): [number, number] {
  if (process.args.includes('k3s')) return [5629812, 318760];
  if (process.args.startsWith('containerd')) return [1338704, 61240];
  if (process.pid === 1) return [166588, 11392];
  return [7372, 3584];
}
