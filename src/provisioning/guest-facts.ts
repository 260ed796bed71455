import { InfrastructureError } from '../errors';
import { SshSession } from '../ssh/ssh-session';
import { Evidence } from '../report/evidence';

/** What the running guest says about itself, read over SSH with the commands an operator would type. */
export interface GuestFacts {
  osRelease: Record<string, string>;
  cpus: number;
  memoryMiB: number;
  /** Size of the root filesystem in GiB (ext4 reserves some of the volume, so a little under the volume size). */
  rootGiB: number;
  hostname: string;
  ipv4: string[];
}

export async function readGuestFacts(session: SshSession, evidence: Evidence): Promise<GuestFacts> {
  const run = async (command: string): Promise<string> => {
    const result = await session.exec(command);
    if (result.exitCode !== 0) {
      throw new InfrastructureError('ssh', `\`${command}\` failed on ${session.endpoint.label} (exit ${result.exitCode})`, result.stderr);
    }
    return result.stdout;
  };
  const osRelease = await run('cat /etc/os-release');
  const cpus = await run('nproc');
  const meminfo = await run('grep MemTotal /proc/meminfo');
  const df = await run('df -P -k /');
  const hostname = await run('hostname');
  const addresses = await run('ip -4 -o addr show scope global');
  evidence.attach(
    `${session.endpoint.label}: what the guest reports`,
    [`$ cat /etc/os-release`, osRelease, `$ nproc`, cpus, `$ grep MemTotal /proc/meminfo`, meminfo, `$ df -P -k /`, df, `$ hostname`, hostname, `$ ip -4 -o addr show scope global`, addresses].join('\n'),
  );
  return {
    osRelease: parseOsRelease(osRelease),
    cpus: Number(cpus.trim()),
    memoryMiB: Math.round(Number(/MemTotal:\s+(\d+)\s*kB/.exec(meminfo)?.[1] ?? NaN) / 1024),
    rootGiB: Number(df.trim().split('\n')[1]?.split(/\s+/)[1] ?? NaN) / (1024 * 1024),
    hostname: hostname.trim(),
    ipv4: [...addresses.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((match) => match[1]),
  };
}

export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) fields[match[1]] = match[2].replace(/^"(.*)"$/, '$1');
  }
  return fields;
}
