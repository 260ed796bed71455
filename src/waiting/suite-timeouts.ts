import { ConfigurationError } from '../errors';

/**
 * How long the suite waits for each kind of thing before it reports what it last saw. The defaults suit real
 * hardware; `SUITE_TIMEOUTS="install=10m,node-ready=5m"` changes them for a slow site, and a scenario may shorten
 * them (the fault scenarios do, so a hang is cut off in seconds): src/waiting/waits.ts holds them for a run.
 */
export interface SuiteTimeouts {
  /** One Proxmox task (create, start, stop, destroy). */
  task: number;
  /** One Proxmox API request to answer. */
  'proxmox-request': number;
  /** The guest's sshd to accept the suite. */
  ssh: number;
  /** The k3s installer to finish (it hangs on a bad token or an unreachable server). */
  install: number;
  /** A node to register and turn Ready. */
  'node-ready': number;
  /** The test pod to be scheduled, run, or go away. */
  pod: number;
}

export const DEFAULT_TIMEOUTS: Readonly<SuiteTimeouts> = {
  task: 10 * 60_000,
  'proxmox-request': 60_000,
  ssh: 3 * 60_000,
  install: 5 * 60_000,
  'node-ready': 3 * 60_000,
  pod: 3 * 60_000,
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** "90s", "5m", "500ms" in milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(text.trim());
  return match ? Math.round(Number(match[1]) * UNITS[match[2]]) : undefined;
}

export type TimeoutName = keyof SuiteTimeouts;

export function timeoutName(text: string): TimeoutName | undefined {
  const name = text.trim().toLowerCase().replace(/\s+/g, '-');
  return name in DEFAULT_TIMEOUTS ? (name as TimeoutName) : undefined;
}

/** Reads `SUITE_TIMEOUTS`; every bad entry is reported together. */
export function timeoutsFromEnv(text: string | undefined): SuiteTimeouts {
  const timeouts = { ...DEFAULT_TIMEOUTS };
  const problems = [];
  for (const entry of (text ?? '').split(',').map((part) => part.trim()).filter(Boolean)) {
    const [key, value = ''] = entry.split('=');
    const name = timeoutName(key);
    const ms = parseDuration(value);
    if (!name || ms === undefined) {
      problems.push({
        input: `SUITE_TIMEOUTS "${entry}"`,
        problem: name ? 'has no duration' : `names no timeout (known: ${Object.keys(DEFAULT_TIMEOUTS).join(', ')})`,
        fix: 'write NAME=DURATION pairs, e.g. install=10m,node-ready=300s',
      });
      continue;
    }
    timeouts[name] = ms;
  }
  if (problems.length) throw new ConfigurationError(problems);
  return timeouts;
}
