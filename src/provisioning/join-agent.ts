import { InfrastructureError, SshConnectionLost } from '../errors';
import { hashCa } from '../k3s/ca-hash';
import { tokenCaHash } from '../k3s/node-token';
import type { Evidence } from '../report/evidence';
import { SshSession } from '../ssh/ssh-session';
import type { Waits } from '../waiting/waits';

const JOURNAL_LINES = 25;

/** What the installer is asked for: which server, with which token, at which k3s version. */
export interface AgentInstall {
  serverUrl: string;
  token: string;
  /** Passed as INSTALL_K3S_VERSION, so a re-resolved channel can never upgrade the agent behind the operator's back. */
  version: string;
}

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

/**
 * Runs the k3s installer in agent mode. The command carrying the token goes over stdin, never the command line.
 * The installer blocks until the agent is ready and hangs forever on a bad token or unreachable server, so it runs
 * under a deadline; on failure the reason is read from the agent's journal.
 */
export async function installAgent(guest: SshSession, install: AgentInstall, waits: Waits, evidence: Evidence): Promise<void> {
  const variables = `INSTALL_K3S_VERSION='${install.version}' K3S_URL='${install.serverUrl}'`;
  const script = `curl -sfL https://get.k3s.io | ${variables} K3S_TOKEN='${install.token.replace(/'/g, `'\\''`)}' sh -\n`;
  const change = { action: 'install', target: `k3s agent ${install.version} on ${guest.endpoint.label}`, command: `curl -sfL https://get.k3s.io | ${variables} K3S_TOKEN=*** sh -` };
  let result;
  try {
    const deadline = waits.deadline('install', `k3s agent installation on ${guest.endpoint.label}`);
    result = await deadline.track(() => guest.exec('sh -s', { stdin: script, deadline, change }));
  } catch (error) {
    const journal = await agentJournal(guest);
    evidence.attach(`${guest.endpoint.label}: journalctl -u k3s-agent`, journal);
    throw new InfrastructureError('join', `${(error as Error).message}\nThe agent's journal says:\n${lastLines(journal, 8)}`, journal);
  }
  evidence.attach(`${guest.endpoint.label}: k3s install output`, `${result.stdout}${result.stderr}\nexit ${result.exitCode}`);
  if (result.exitCode === -1) {
    throw new SshConnectionLost(`the SSH connection to ${guest.endpoint.label} ended during the k3s installation, without an exit status`, `${result.stdout}${result.stderr}`);
  }
  if (result.exitCode !== 0) {
    const journal = await agentJournal(guest);
    evidence.attach(`${guest.endpoint.label}: journalctl -u k3s-agent`, journal);
    throw new InfrastructureError(
      'join',
      `the k3s installer failed on ${guest.endpoint.label} (exit ${result.exitCode}): ${lastLines(result.stderr || result.stdout, 3)}\nThe agent's journal says:\n${lastLines(journal, 8)}`,
      journal,
    );
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
