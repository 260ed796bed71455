import { InfrastructureError, SshConnectionLost } from '../errors';
import { hashCa } from '../k3s/ca-hash';
import { tokenCaHash } from '../k3s/node-token';
import type { Evidence } from '../report/evidence';
import { SshSession } from '../ssh/ssh-session';
import type { Deadline } from '../waiting/deadline';
import type { Waits } from '../waiting/waits';
import { AgentInstall, awaitDetachedInstaller, InstallerRun, isDeadline, runInstaller, stageInstaller, stopInstaller } from './agent-installer';

export type { AgentInstall } from './agent-installer';

const JOURNAL_LINES = 25;

/**
 * From inside the guest, fetches the server's CA bundle and checks it against the token's CA hash — the same check
 * the k3s agent makes first. TLS is not verified for this one request because its purpose is to obtain the CA that
 * verification needs; the hash comparison is what makes it trustworthy.
 */
export async function checkControlPlaneReachable(guest: SshSession, server: { host: string; port: number }, token: string, evidence: Evidence): Promise<void> {
  const url = `https://${server.host}:${server.port}/cacerts`;
  const result = await guest.exec(`curl -sS -k --max-time 10 ${url}`);
  evidence.attach(`${guest.endpoint.label}: reach the control plane`, `$ curl -sS -k --max-time 10 ${url}\nexit ${result.exitCode}\n${result.stderr}`);
  if (result.exitCode !== 0 || !result.stdout.includes('BEGIN CERTIFICATE')) {
    throw new InfrastructureError(
      'join',
      `${guest.endpoint.label} cannot reach the control plane at ${server.host}:${server.port}: ${result.stderr.trim() || `curl exit ${result.exitCode}`}. ` +
        'Check the worker\'s gateway and that the k3s server is up (`systemctl status k3s` on the server).',
    );
  }
  const expected = tokenCaHash(token);
  const actual = hashCa(result.stdout);
  if (expected && expected !== actual) {
    throw new InfrastructureError(
      'join',
      `the node token was issued by another cluster: its CA hash ${expected} is not the hash ${actual} of the CA served at ${server.host}:${server.port}. ` +
        'Copy the token again from /var/lib/rancher/k3s/server/node-token on that server.',
    );
  }
}

/** The guest's SSH session, and a fresh one after the connection was lost. */
export interface GuestConnection {
  current(): Promise<SshSession>;
  reconnect(): Promise<SshSession>;
}

/**
 * Installs the k3s agent: the installer is staged in the guest (src/provisioning/agent-installer.ts), then run under
 * the install deadline. The installer blocks until the agent is ready and hangs on a bad token or an unreachable
 * server; at the deadline it is stopped (its process group, since closing the channel stops nothing) and the reason
 * is read from the agent's journal. A connection lost mid-install is reopened and the installer that kept running
 * is waited for, never started a second time beside itself.
 */
export async function installAgent(guest: GuestConnection, install: AgentInstall, waits: Waits, evidence: Evidence): Promise<void> {
  const session = await guest.current();
  await stageInstaller(session, install, waits, evidence);
  const deadline = waits.deadline('install', `k3s agent installation on ${session.endpoint.label}`);
  const run = await deadline.track(() => runToEnd(guest, install, deadline, evidence));
  evidence.attach(`${session.endpoint.label}: k3s install output`, `${run.log}\nexit ${run.exitCode}`);
  if (run.exitCode !== 0) {
    const journal = await agentJournal(await guest.current());
    evidence.attach(`${session.endpoint.label}: journalctl -u k3s-agent`, journal);
    throw new InfrastructureError(
      'join',
      `the k3s installer failed on ${session.endpoint.label} (exit ${run.exitCode}): ${lastLines(run.log, 3)}\nThe agent's journal says:\n${lastLines(journal, 8)}`,
      journal,
    );
  }
}

async function runToEnd(guest: GuestConnection, install: AgentInstall, deadline: Deadline, evidence: Evidence): Promise<InstallerRun> {
  const session = await guest.current();
  try {
    return await runInstaller(session, install, deadline);
  } catch (error) {
    if (error instanceof SshConnectionLost) {
      evidence.note(`${error.message}; reconnecting: an installer still running in the guest is waited for, not started again beside itself`);
      const fresh = await guest.reconnect();
      const detached = await awaitDetachedInstaller(fresh, deadline);
      if (detached) return detached;
      evidence.note('the installer ended without an exit status (it died with the connection); running it again');
      return runInstaller(fresh, install, deadline);
    }
    if (!isDeadline(error)) throw error;
    // The channel is closed, the installer is not: stop it before anyone (a retry, the next run) starts another.
    const fresh = await guest.reconnect();
    await stopInstaller(fresh, evidence);
    const journal = await agentJournal(fresh);
    evidence.attach(`${session.endpoint.label}: journalctl -u k3s-agent`, journal);
    throw new InfrastructureError('join', `${error.message}\nThe agent's journal says:\n${lastLines(journal, 8)}`, journal);
  }
}

/** `systemctl is-active k3s-agent`; the journal tail when it is not active. Returns the state (`active`). */
export async function requireAgentActive(guest: SshSession, evidence: Evidence): Promise<string> {
  const result = await guest.exec('systemctl is-active k3s-agent');
  const state = result.stdout.trim();
  if (state !== 'active') {
    const journal = await agentJournal(guest);
    evidence.attach(`${guest.endpoint.label}: journalctl -u k3s-agent`, journal);
    throw new InfrastructureError('join', `k3s-agent on ${guest.endpoint.label} is ${state || 'unknown'}, not active. Its journal ends:\n${lastLines(journal, 8)}`, journal);
  }
  return state;
}

export async function agentJournal(guest: SshSession): Promise<string> {
  const result = await guest.exec(`journalctl -u k3s-agent --no-pager -n ${JOURNAL_LINES}`).catch((error: Error) => ({ stdout: `(journal unavailable: ${error.message})`, stderr: '' }));
  return result.stdout + result.stderr;
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
