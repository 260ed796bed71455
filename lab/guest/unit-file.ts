/** The parts of a systemd unit file the guest's systemd acts on. */
export interface UnitFile {
  description: string;
  type: string;
  restart: string;
  restartSecMs: number;
  /** ExecStart split into words, continuation lines joined. */
  execStart: string[];
  environmentFiles: Array<{ path: string; optional: boolean }>;
  wantedBy: string[];
}

export function parseUnitFile(text: string): UnitFile {
  const joined = text.replace(/\\\n/g, ' ');
  const values = new Map<string, string[]>();
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('[')) continue;
    const at = line.indexOf('=');
    if (at < 0) continue;
    const key = line.slice(0, at).trim();
    values.set(key, [...(values.get(key) ?? []), line.slice(at + 1).trim()]);
  }
  const last = (key: string, fallback: string) => values.get(key)?.at(-1) ?? fallback;
  return {
    description: last('Description', ''),
    type: last('Type', 'simple'),
    restart: last('Restart', 'no'),
    restartSecMs: parseSeconds(last('RestartSec', '100ms')),
    execStart: last('ExecStart', '').split(/\s+/).filter((word) => word && word !== "'" ).map(unquote),
    environmentFiles: (values.get('EnvironmentFile') ?? []).map((value) =>
      value.startsWith('-') ? { path: value.slice(1), optional: true } : { path: value, optional: false }),
    wantedBy: (values.get('WantedBy') ?? []).flatMap((value) => value.split(/\s+/)),
  };
}

function unquote(word: string): string {
  return word.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
}

function parseSeconds(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|min)?$/.exec(value);
  if (!match) return 100;
  const n = Number(match[1]);
  return match[2] === 'ms' ? n : match[2] === 'min' ? n * 60_000 : n * 1000;
}

/** systemd's EnvironmentFile syntax, as the k3s installer writes it: KEY='value' or KEY=value per line. */
export function parseEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match || line.startsWith('#')) continue;
    env[match[1]] = match[2].replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  }
  return env;
}
