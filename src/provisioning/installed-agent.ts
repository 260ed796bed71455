import type { SshSession } from '../ssh/ssh-session';

/** install.sh's service env file for an agent (create_env_file: the K3S_* and CONTAINERD_* variables, quoted). */
export const AGENT_ENV_FILE = '/etc/systemd/system/k3s-agent.service.env';

/** What a guest's k3s agent is, read without changing anything: its unit's state, env file and binary's version. */
export interface InstalledAgent {
  /** `systemctl is-active k3s-agent`: active, activating, failed, inactive… */
  state: string;
  /** The env file's variables (K3S_URL, K3S_TOKEN…); empty when the installer never ran. */
  env: Record<string, string>;
  /** `k3s --version`'s release, e.g. v1.34.3+k3s1; undefined without a binary. */
  version?: string;
}

export async function inspectInstalledAgent(guest: SshSession): Promise<InstalledAgent> {
  const [state, env, version] = await Promise.all([
    guest.exec('systemctl is-active k3s-agent'),
    guest.exec(`cat ${AGENT_ENV_FILE} 2>/dev/null`),
    guest.exec('k3s --version 2>/dev/null'),
  ]);
  return {
    state: state.stdout.trim() || 'unknown',
    env: env.exitCode === 0 ? parseEnvFile(env.stdout) : {},
    version: /k3s version (v\S+)/.exec(version.stdout)?.[1],
  };
}

export function isInstalled(agent: InstalledAgent): boolean {
  return agent.version !== undefined || Object.keys(agent.env).length > 0;
}

/** `KEY='value'` lines as `sh -c export` prints them, the form install.sh writes. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = unquote(match[2]);
  }
  return env;
}

function unquote(value: string): string {
  if (value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/'\\''/g, "'");
  if (value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1);
  return value;
}
