import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { DeadlineExceededError, InfrastructureError, SshConnectionLost } from '../errors';
import type { AirgapArtifacts } from '../k3s/airgap-artifacts';
import type { WorkerProxy } from '../k3s/install-source';
import type { Evidence } from '../report/evidence';
import type { SshSession } from '../ssh/ssh-session';
import type { Deadline } from '../waiting/deadline';
import type { Waits } from '../waiting/waits';

/** Where the installer lives in the guest while it runs, and what it leaves behind for a later session to read. */
export const INSTALLER = '/root/k3s-install.sh';
const PID_FILE = '/run/k3s-install.pid';
const STATUS_FILE = '/run/k3s-install.status';
const LOG_FILE = '/var/log/k3s-install.log';
const IMAGES_DIR = '/var/lib/rancher/k3s/agent/images';
const INSTALLER_URL = 'https://get.k3s.io';

/** What the installer is asked for: which server, with which token, at which k3s version, through which proxy. */
export interface AgentInstall {
  serverUrl: string;
  token: string;
  /** Passed as INSTALL_K3S_VERSION, so a re-resolved channel can never upgrade the agent behind the operator's back. */
  version: string;
  proxy?: WorkerProxy;
  airgap?: AirgapArtifacts;
}

/** How an installer run ended, for the caller's evidence and messages. */
export interface InstallerRun {
  exitCode: number;
  log: string;
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** HTTP(S)_PROXY and NO_PROXY in both cases: curl 7.81 reads only the lower-case http_proxy, containerd the upper. */
function proxyVariables(proxy: WorkerProxy | undefined): string[] {
  if (!proxy?.http && !proxy?.https) return [];
  const pairs: Array<[string, string | undefined]> = [['HTTP_PROXY', proxy.http], ['HTTPS_PROXY', proxy.https], ['NO_PROXY', proxy.noProxy]];
  return pairs.filter(([, value]) => value).flatMap(([name, value]) => [`${name}=${quote(value!)}`, `${name.toLowerCase()}=${quote(value!)}`]);
}

/**
 * Puts install.sh in the guest: downloaded there with curl's exit status checked (`curl … | sh -` runs an empty script
 * and exits 0 when the download fails), or, for an air-gapped worker, the release's files copied in through the jump
 * host, each checked by its sha256 in the guest.
 */
export async function stageInstaller(guest: SshSession, install: AgentInstall, waits: Waits, evidence: Evidence): Promise<void> {
  if (install.airgap) return copyAirgapArtifacts(guest, install.airgap, evidence);
  const command = `${proxyVariables(install.proxy).join(' ')} curl -fsSL --connect-timeout 30 ${INSTALLER_URL} -o ${INSTALLER}`.trim();
  const deadline = waits.deadline('install', `download of the k3s installer on ${guest.endpoint.label}`);
  const result = await deadline.track(() => guest.exec(command, { deadline, change: { action: 'download', target: `the k3s installer to ${INSTALLER} on ${guest.endpoint.label}` } }));
  evidence.attach(`${guest.endpoint.label}: download of the k3s installer`, `$ ${command}\nexit ${result.exitCode}\n${result.stderr}`);
  if (result.exitCode === 0) return;
  throw new InfrastructureError(
    'join',
    `${guest.endpoint.label} could not download the k3s installer from ${INSTALLER_URL}: ${result.stderr.trim() || `curl exit ${result.exitCode}`}. ` +
      'A worker without internet needs WORKER_HTTP_PROXY (and WORKER_HTTPS_PROXY) for its proxy, or K3S_AIRGAP_DIR with the release\'s files.',
    result.stderr,
  );
}

async function copyAirgapArtifacts(guest: SshSession, airgap: AirgapArtifacts, evidence: Evidence): Promise<void> {
  const copies: Array<[from: string, to: string, mode: string]> = [
    [airgap.installScript, INSTALLER, '755'],
    [airgap.binary, '/usr/local/bin/k3s', '755'],
    ...airgap.imageArchives.map((archive): [string, string, string] => [archive, `${IMAGES_DIR}/${basename(archive)}`, '644']),
  ];
  const lines: string[] = [];
  for (const [from, to, mode] of copies) {
    const content = readFileSync(from);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const command = `mkdir -p ${to.replace(/\/[^/]+$/, '')} && cat > ${to} && chmod ${mode} ${to} && sha256sum ${to}`;
    const result = await guest.exec(command, { stdin: content, change: { action: 'copy', target: `${basename(from)} to ${to} on ${guest.endpoint.label}`, command: `${command}   # < ${from}` } });
    if (result.exitCode !== 0 || !result.stdout.startsWith(sha256)) {
      throw new InfrastructureError('join', `copying ${from} to ${to} on ${guest.endpoint.label} failed: ${result.stderr.trim() || `its sha256 there is ${result.stdout.split(' ')[0]}, not ${sha256}`}`);
    }
    lines.push(`${sha256}  ${to} (${content.length} bytes, from ${from})`);
  }
  evidence.attach(`${guest.endpoint.label}: air-gapped k3s ${airgap.version} copied in`, lines.join('\n'));
}

/**
 * Runs the staged installer in agent mode, in a session of its own (setsid) whose id is written to a PID file and
 * whose output goes to a log file: closing the SSH channel does not stop a command run without a pty (OpenSSH
 * session.c), so at the deadline the suite stops the installer's process group itself, and after a lost connection
 * it can find the installer still running. The token goes over stdin, never on a command line.
 */
export async function runInstaller(guest: SshSession, install: AgentInstall, deadline: Deadline): Promise<InstallerRun> {
  const environment = [
    ...(install.airgap ? ['INSTALL_K3S_SKIP_DOWNLOAD=true'] : []),
    `INSTALL_K3S_VERSION=${quote(install.version)}`,
    `K3S_URL=${quote(install.serverUrl)}`,
    ...proxyVariables(install.proxy),
  ];
  // The wrapper exits with the installer's status, and leaves it in a file for a session that lost the channel.
  const inner = `echo $$ > ${PID_FILE}; sh ${INSTALLER}; status=$?; echo $status > ${STATUS_FILE}; exit $status`;
  const script = `rm -f ${STATUS_FILE}\n${environment.join(' ')} K3S_TOKEN=${quote(install.token)} setsid -w sh -c '${inner}' > ${LOG_FILE} 2>&1 < /dev/null\n`;
  const change = { action: 'install', target: `k3s agent ${install.version} on ${guest.endpoint.label}`, command: `${environment.join(' ')} K3S_TOKEN=*** setsid -w sh ${INSTALLER} > ${LOG_FILE}` };
  const result = await guest.exec('sh -s', { stdin: script, deadline, change });
  if (result.exitCode === -1) throw new SshConnectionLost(`the SSH connection to ${guest.endpoint.label} ended during the k3s installation, without an exit status`, result.stdout + result.stderr);
  return { exitCode: result.exitCode, log: await installerLog(guest) };
}

/** The installer's log so far (its `[INFO]` lines). */
export async function installerLog(guest: SshSession): Promise<string> {
  return (await guest.exec(`cat ${LOG_FILE} 2>/dev/null`)).stdout;
}

/** The pid of an installer that is still running in the guest, if one is. */
export async function runningInstaller(guest: SshSession): Promise<number | undefined> {
  const result = await guest.exec(`pid=$(cat ${PID_FILE} 2>/dev/null) && kill -0 "$pid" 2>/dev/null && echo "$pid"`);
  const pid = Number(result.stdout.trim());
  return result.exitCode === 0 && pid > 0 ? pid : undefined;
}

/** Stops the installer's whole process group (the installer, its curl, its systemctl), and checks none is left. */
export async function stopInstaller(guest: SshSession, evidence: Evidence): Promise<void> {
  const pid = await runningInstaller(guest);
  if (!pid) return;
  const stop = `kill -TERM -- -${pid}`;
  await guest.exec(`${stop} 2>/dev/null`, { change: { action: 'stop', target: `the k3s installer (process group ${pid}) on ${guest.endpoint.label}`, command: stop } });
  const left = await guest.exec(`pgrep -f ${INSTALLER}`);
  if (left.exitCode === 0) {
    await guest.exec(`kill -KILL -- -${pid} 2>/dev/null`, { change: { action: 'stop', target: `the k3s installer (process group ${pid}) on ${guest.endpoint.label}`, command: `kill -KILL -- -${pid}` } });
  }
  const after = await guest.exec(`ps -eo pid,pgid,stat,args`);
  evidence.attach(`${guest.endpoint.label}: the installer stopped at its deadline`, `$ ${stop}\n$ ps -eo pid,pgid,stat,args\n${after.stdout}`);
}

/**
 * After a lost connection: the installer may still be running (no pty, so nothing stopped it). It is waited for,
 * never run a second time beside itself; its exit status is read from the status file it writes when it ends.
 */
export async function awaitDetachedInstaller(guest: SshSession, deadline: Deadline): Promise<InstallerRun | undefined> {
  for (let pauseMs = 100; await runningInstaller(guest); pauseMs = Math.min(2000, pauseMs * 2)) {
    if (deadline.expired()) throw deadline.exceeded('the installer is still running in the guest');
    await deadline.pause(pauseMs);
  }
  const status = await guest.exec(`cat ${STATUS_FILE} 2>/dev/null`);
  if (status.exitCode !== 0 || status.stdout.trim() === '') return undefined;
  return { exitCode: Number(status.stdout.trim()), log: await installerLog(guest) };
}

export function isDeadline(error: unknown): error is DeadlineExceededError {
  return error instanceof DeadlineExceededError;
}
