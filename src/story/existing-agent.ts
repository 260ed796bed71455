import type { V1Node } from '@kubernetes/client-node';
import { nodeAt } from '../cleanup/run-mark';
import { parseNodeToken } from '../k3s/node-token';
import { nodeReadiness } from '../kube/node-readiness';
import type { InstalledAgent } from '../provisioning/installed-agent';
import { isInstalled } from '../provisioning/installed-agent';
import type { AgentInstall } from '../provisioning/join-agent';

/** What to do about the agent a guest already has, before running the installer. */
export type AgentVerdict =
  | { kind: 'absent' }
  | { kind: 'joined'; evidence: string }
  | { kind: 'not running'; why: string }
  | { kind: 'different'; differences: string[] };

/**
 * A worker already Ready, registered from this container's address, running the version this run would install,
 * against the same server with the same token, is joined: the installer is not run again. An agent that differs in
 * version, server or token would be changed by the installer, so the run refuses unless asked to reinstall. One that
 * matches but is not running is installed again (that is what the operator would do).
 */
export function judgeExistingAgent(agent: InstalledAgent, node: V1Node | undefined, install: AgentInstall, ip: string): AgentVerdict {
  if (!isInstalled(agent)) return { kind: 'absent' };
  const differences: string[] = [];
  if (agent.version && agent.version !== install.version) differences.push(`its k3s is ${agent.version}, this run would install ${install.version}`);
  const server = agent.env.K3S_URL;
  if (server && trimSlash(server) !== trimSlash(install.serverUrl)) differences.push(`it joins ${server}, this run's server is ${install.serverUrl}`);
  const token = agent.env.K3S_TOKEN;
  if (token && !sameCredentials(token, install.token)) differences.push('it was installed with another node token than K3S_TOKEN');
  if (differences.length) return { kind: 'different', differences };
  const version = node?.status?.nodeInfo?.kubeletVersion;
  const facts = `k3s-agent ${agent.state}, ${agent.version ?? 'no binary'}, K3S_URL ${server ?? 'unset'}`;
  if (agent.state !== 'active') return { kind: 'not running', why: `k3s-agent is ${agent.state} (${facts})` };
  if (!node) return { kind: 'not running', why: `no node of this name is registered (${facts})` };
  if (!nodeAt(node, ip)) return { kind: 'not running', why: `its node is not registered from ${ip}` };
  if (!nodeReadiness(node).ready) return { kind: 'not running', why: `its node is ${nodeReadiness(node).status} (${facts})` };
  if (version !== install.version) return { kind: 'not running', why: `its node reports ${version}, not ${install.version}` };
  return { kind: 'joined', evidence: `${facts}; node Ready at ${ip}, kubelet ${version}` };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Two tokens that authenticate the same way: the same credentials, and the same CA pin where both have one. */
function sameCredentials(a: string, b: string): boolean {
  const [first, second] = [parseNodeToken(a), parseNodeToken(b)];
  if ('problem' in first || 'problem' in second) return a.trim() === b.trim();
  if (first.caHash && second.caHash && first.caHash !== second.caHash) return false;
  return JSON.stringify(first.credentials) === JSON.stringify(second.credentials);
}
