import type { V1Node } from '@kubernetes/client-node';
import { ConfigurationError, InfrastructureError } from '../errors';
import { defaultNoProxy, type WorkerProxy } from '../k3s/install-source';
import type { Target } from '../target/target';
import { NODE_PASSWORD_NAMESPACE } from '../k3s/node-password';
import { unlessNotFound } from '../kube/cluster-client';
import { describeReadiness, nodeReadiness } from '../kube/node-readiness';
import { inspectInstalledAgent } from '../provisioning/installed-agent';
import { AgentInstall, installAgent } from '../provisioning/join-agent';
import { waitForNodeReady } from '../provisioning/node-ready';
import type { WorkContext } from '../provisioning/work-context';
import { judgeExistingAgent } from './existing-agent';
import type { StoryMode } from './story-mode';
import type { WorkerBuild } from './worker-build';

/**
 * AC2's When: the k3s agent installed at the chosen version, unless the worker is already joined the way this run
 * would join it, in which case the installer is not run at all (a re-run never reinstalls a working agent, nor
 * upgrades it behind the operator's back). An agent that differs is refused unless SUITE_REINSTALL=1.
 */
export async function joinAgent(build: WorkerBuild, ctx: WorkContext): Promise<void> {
  if (build.joined) return;
  const { target, evidence } = ctx;
  await build.ensureControlPlaneReachable(ctx);
  const guest = await build.guestSession(ctx);
  const choice = await ctx.installChoice();
  const install: AgentInstall = { serverUrl: build.serverUrl, token: target.build.k3sToken, version: choice.version, proxy: workerProxy(build, target), airgap: choice.airgap };
  const [agent, node] = await Promise.all([inspectInstalledAgent(guest), unlessNotFound(target.cluster.core.readNode({ name: build.spec.hostname }))]);
  const verdict = judgeExistingAgent(agent, node, install, build.spec.ip);
  if (verdict.kind === 'joined') {
    evidence.attach('k3s agent: already installed; installer not run', `${verdict.evidence}\nThis run would install ${choice.version}: ${choice.why}.`);
    build.joined = true;
    return;
  }
  if (verdict.kind === 'different' && !target.config.reinstall) throw agentDiffers(build, verdict.differences);
  if (verdict.kind === 'different') evidence.note(`SUITE_REINSTALL=1: reinstalling the agent on ${build.spec.hostname}, because ${verdict.differences.join('; ')}`);
  if (verdict.kind === 'not running') evidence.note(`the agent on ${build.spec.hostname} is installed but not joined (${verdict.why}); running the installer again`);
  await trackJoinObjects(build, ctx);
  evidence.note(`installing the k3s agent ${choice.version} on ${build.spec.hostname}: ${choice.why}`);
  const connection = {
    current: () => build.guestSession(ctx),
    reconnect: () => {
      build.dropGuestSession();
      return build.guestSession(ctx);
    },
  };
  await installAgent(connection, install, ctx.waits, evidence);
  build.joined = true;
}

function agentDiffers(build: WorkerBuild, differences: string[]): ConfigurationError {
  return new ConfigurationError([{
    input: `the k3s agent already on ${build.spec.hostname} (CT ${build.spec.vmid})`,
    problem: `differs from what this run would install: ${differences.join('; ')}. The suite does not reinstall a joined worker behind your back`,
    fix: 'set SUITE_REINSTALL=1 to reinstall it with this run\'s version, server and token, or point the run at the cluster and token it was joined with',
  }]);
}

/**
 * Records the Node and secret the agent is about to create, but only those that do not exist yet: a stale
 * node-password secret left by an earlier machine is someone else's, and the join's error says what to do with it.
 */
async function trackJoinObjects(build: WorkerBuild, ctx: WorkContext): Promise<void> {
  const core = ctx.target.cluster.core;
  const [node, secret] = build.joinObjects();
  if (!(await unlessNotFound(core.readNode({ name: build.spec.hostname })))) ctx.tracker.intend(node);
  if (secret.kind === 'node-password-secret' && !(await unlessNotFound(core.readNamespacedSecret({ name: secret.name, namespace: NODE_PASSWORD_NAMESPACE })))) {
    ctx.tracker.intend(secret);
  }
}

/**
 * The worker joined and Ready. Building, the agent is joined first if this run has not (joinAgent decides whether the
 * installer runs); verifying, the node is only read, and a node that is not Ready is a finding with what to look at.
 */
export async function ensureWorkerReady(build: WorkerBuild, ctx: WorkContext, mode: StoryMode): Promise<V1Node> {
  if (mode === 'verify') return verifyWorkerReady(build, ctx);
  if (build.ready) return ctx.target.cluster.core.readNode({ name: build.spec.hostname });
  await joinAgent(build, ctx);
  const node = await waitForNodeReady(ctx.target.cluster, build.spec.hostname, ctx.waits);
  build.ready = true;
  build.keep(ctx);
  return node;
}

async function verifyWorkerReady(build: WorkerBuild, ctx: WorkContext): Promise<V1Node> {
  const { hostname, vmid } = build.spec;
  const node = await unlessNotFound(ctx.target.cluster.core.readNode({ name: hostname }));
  const remedy =
    `This run only verifies and repairs nothing. Look at the worker: \`kubectl describe node ${hostname}\`; ` +
    `on the Proxmox host \`pct status ${vmid}\` (\`pct start ${vmid}\` if it is stopped); in the worker \`systemctl status k3s-agent\` and \`journalctl -u k3s-agent\`.`;
  if (!node) throw new InfrastructureError('kubernetes', `node ${hostname} is not in the cluster. ${remedy}`);
  if (!nodeReadiness(node).ready) throw new InfrastructureError('kubernetes', `${describeReadiness(node)}. ${remedy}`);
  build.ready = true;
  return node;
}

/** The proxy the operator gave, with NO_PROXY defaulting to what cluster traffic needs to go direct. */
function workerProxy(build: WorkerBuild, target: Target): WorkerProxy | undefined {
  const proxy = target.config.k3s.proxy;
  if (!proxy.http && !proxy.https) return undefined;
  const subnet = `${build.spec.ip}/${build.spec.prefix}`;
  return { ...proxy, noProxy: proxy.noProxy ?? defaultNoProxy(build.spec.controlPlane.host, subnet) };
}
