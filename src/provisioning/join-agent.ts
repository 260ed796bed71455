import { createHash } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { InfrastructureError, SshConnectionLost } from '../errors';
import { asPhase } from '../progress/progress';
import { SshSession } from '../ssh/ssh-session';
import { Deadline } from '../waiting/deadline';
import { suiteTimeouts } from '../waiting/suite-timeouts';
import { Evidence } from './evidence';

const JOURNAL_LINES = 25;

/** The CA hash a secure token pins (`K10<sha256>::user:password`); undefined for a bare password token. */
export function tokenCaHash(token: string): string | undefined {
  return /^K10([0-9a-f]{64})::/.exec(token)?.[1];
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
  const actual = createHash('sha256').update(result.stdout).digest('hex');
  if (expected && expected !== actual) {
    throw new InfrastructureError(
      'join',
      `the node token was issued by another cluster: its CA hash ${expected} is not the hash ${actual} of the CA served at ${server.host}:${server.port}. ` +
        'Copy the token again from /var/lib/rancher/k3s/server/node-token on that server.',
    );
  }
}

/**
 * The control plane's k3s release (GET /version). The agent is pinned to it: without INSTALL_K3S_VERSION install.sh
 * takes the `stable` channel, usually newer than the server, and a kubelet newer than its API server is outside
 * Kubernetes' version-skew policy.
 */
export async function controlPlaneVersion(kubeconfig: k8s.KubeConfig): Promise<string> {
  return (await kubeconfig.makeApiClient(k8s.VersionApi).getCode()).gitVersion;
}

/**
 * Runs the k3s installer in agent mode. The command carrying the token goes over stdin, never the command line.
 * The installer blocks until the agent is ready and hangs forever on a bad token or unreachable server, so it runs
 * under a deadline; on failure the reason is read from the agent's journal.
 */
export async function installAgent(guest: SshSession, serverUrl: string, token: string, version: string, evidence: Evidence, timeoutMs = suiteTimeouts.get('install')): Promise<void> {
  const script = `curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION='${version}' K3S_URL='${serverUrl}' K3S_TOKEN='${token.replace(/'/g, `'\\''`)}' sh -\n`;
  let result;
  try {
    const deadline = new Deadline(`k3s agent installation on ${guest.endpoint.label}`, timeoutMs);
    result = await asPhase(deadline.what, timeoutMs, () => guest.exec('sh -s', { stdin: script, deadline }));
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

/** `systemctl is-active k3s-agent`; the journal tail when it is not active. */
export async function requireAgentActive(guest: SshSession, evidence: Evidence): Promise<void> {
  const result = await guest.exec('systemctl is-active k3s-agent');
  const state = result.stdout.trim();
  if (state !== 'active') {
    const journal = await agentJournal(guest);
    evidence.attach(`${guest.endpoint.label}: journalctl -u k3s-agent`, journal);
    throw new InfrastructureError('join', `k3s-agent on ${guest.endpoint.label} is ${state || 'unknown'}, not active. Its journal ends:\n${lastLines(journal, 8)}`, journal);
  }
}

export async function agentJournal(guest: SshSession): Promise<string> {
  const result = await guest.exec(`journalctl -u k3s-agent --no-pager -n ${JOURNAL_LINES}`).catch((error: Error) => ({ stdout: `(journal unavailable: ${error.message})`, stderr: '' }));
  return result.stdout + result.stderr;
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
