import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { requireAgentActive } from '../src/provisioning/join-agent';
import { waitForNodeRegistered } from '../src/provisioning/node-ready';
import { renderNodeTable } from '../src/kube/node-table';
import { parseHostPort } from '../src/spec/ipv4';
import { StoryWorld } from '../support/world';

Given(
  /^the worker container is running and can reach the control plane \((\S+)\)$/,
  async function (this: StoryWorld, controlPlane: string) {
    const stated = parseHostPort(controlPlane);
    const { host, port } = this.spec.controlPlane;
    expect(stated, `control plane "${controlPlane}" in the criterion`).to.deep.equal({ host, port });
    await (await this.worker()).ensureControlPlaneReachable(this.evidence);
  },
);

When('I run the K3s agent installation with the server URL and node token', async function (this: StoryWorld) {
  await (await this.worker()).install(this.evidence);
});

Then('the agent joins the cluster successfully', async function (this: StoryWorld) {
  const worker = await this.worker();
  await requireAgentActive(await worker.guestSession(this.evidence), this.evidence);
  // Joined means the kubelet registered its Node with the server; Ready is the next criterion.
  await waitForNodeRegistered((await this.target()).cluster, worker.spec.hostname);
});

Then(/^`kubectl get nodes` shows (\S+) as Ready$/, async function (this: StoryWorld, name: string) {
  const worker = await this.worker();
  expect(name, 'node named in the criterion').to.equal(worker.spec.hostname);
  const { cluster } = await this.target();
  await worker.ensureReady(this.evidence);
  const nodes = (await cluster.core.listNode()).items;
  this.evidence.attach('kubectl get nodes -o wide', renderNodeTable(nodes));
  const node = nodes.find((candidate) => candidate.metadata?.name === name);
  expect(node?.status?.conditions?.find((condition) => condition.type === 'Ready')?.status, `${name} Ready condition`).to.equal('True');
});
