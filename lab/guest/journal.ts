/** One line of the guest's systemd journal. */
export interface JournalEntry {
  time: Date;
  unit: string;
  /** SYSLOG_IDENTIFIER and PID, e.g. k3s[1234] or systemd[1] */
  identifier: string;
  pid: number;
  message: string;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** journalctl's default "short" format: `Nov 25 10:00:00 host k3s[1234]: message` (the guest runs in UTC). */
export function formatShort(entry: JournalEntry, hostname: string): string {
  const t = entry.time;
  const stamp = `${months[t.getUTCMonth()]} ${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
  return `${stamp} ${hostname} ${entry.identifier}[${entry.pid}]: ${entry.message}`;
}

/** logrus' text format as k3s configures it: time="2025-11-25T10:00:00Z" level=info msg="..." */
export function logrusLine(level: 'info' | 'warning' | 'error' | 'fatal', message: string, time = new Date()): string {
  const stamp = time.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `time="${stamp}" level=${level} msg=${JSON.stringify(message)}`;
}

/** klog's header as the embedded kubelet prints it: I1125 10:00:00.123456    1234 file.go:75] "message" key="value" */
export function klogLine(severity: 'I' | 'W' | 'E', pid: number, source: string, message: string, time = new Date()): string {
  const micros = String(time.getUTCMilliseconds() * 1000).padStart(6, '0');
  const stamp = `${two(time.getUTCMonth() + 1)}${two(time.getUTCDate())} ${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())}.${micros}`;
  return `${severity}${stamp} ${String(pid).padStart(7)} ${source}] ${message}`;
}

/** The guest's journal. It lives with the container, so it survives reboots as persistent journald would. */
export class Journal {
  private readonly entries: JournalEntry[] = [];
  private readonly listeners = new Set<(entry: JournalEntry) => void>();

  append(unit: string, identifier: string, pid: number, message: string): void {
    const entry = { time: new Date(), unit, identifier, pid, message };
    this.entries.push(entry);
    for (const listener of this.listeners) listener(entry);
  }

  forUnit(unit: string): JournalEntry[] {
    return this.entries.filter((entry) => entry.unit === unit);
  }

  all(): JournalEntry[] {
    return [...this.entries];
  }

  /** Calls back for each new entry; returns the function that stops listening. */
  follow(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Go's time.Duration String() for a measured duration: 1.5s, 12.345678ms, 87.5µs (trailing zeros dropped). */
export function goDuration(milliseconds: number): string {
  const nanos = Math.max(0, Math.round(milliseconds * 1e6));
  const trim = (value: string) => value.replace(/\.?0+$/, '');
  if (nanos < 1_000) return `${nanos}ns`;
  if (nanos < 1_000_000) return `${trim((nanos / 1_000).toFixed(3))}µs`;
  if (nanos < 1_000_000_000) return `${trim((nanos / 1_000_000).toFixed(6))}ms`;
  const seconds = nanos / 1e9;
  if (seconds < 60) return `${trim(seconds.toFixed(9))}s`;
  return `${Math.floor(seconds / 60)}m${trim((seconds % 60).toFixed(9))}s`;
}
