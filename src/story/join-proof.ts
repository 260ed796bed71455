import type { V1Node } from '@kubernetes/client-node';
import { describeNode } from '../kube/node-table';
import { requireAgentActive } from '../provisioning/join-agent';
import { waitForNodeRegistered } from '../provisioning/node-ready';
import type { WorkContext } from '../provisioning/work-context';
import type { WorkerBuild } from './worker-build';

/**
 * AC2's "the agent joins the cluster successfully": the agent's service is active and its kubelet registered the Node
 * with the server (Ready is the next criterion). The report gets the proof by name: the Node as registered, the
 * version it runs next to the version this run installs, and the service's state.
 */
export async function proveJoined(build: WorkerBuild, ctx: WorkContext): Promise<V1Node> {
  const guest = await build.guestSession(ctx);
  const state = await requireAgentActive(guest, ctx.evidence);
  const node = await waitForNodeRegistered(ctx.target.cluster, build.spec.hostname, ctx.waits);
  const choice = await ctx.installChoice();
  const kubelet = node.status?.nodeInfo?.kubeletVersion;
  ctx.evidence.attach(
    `Joined: node ${build.spec.hostname} registered, k3s-agent ${state}`,
    [
      `$ systemctl is-active k3s-agent   (in ${guest.endpoint.label})`,
      state,
      '',
      `node ${build.spec.hostname} as the server registered it:`,
      describeNode(node),
      '',
      kubelet === choice.version
        ? `version: kubelet ${kubelet}, the version this run installs: ${choice.why}`
        : `version: kubelet ${kubelet ?? '<unknown>'}, but this run installs ${choice.version}: ${choice.why}`,
    ].join('\n'),
  );
  return node;
}
