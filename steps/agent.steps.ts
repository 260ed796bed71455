import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { ConfigurationError } from '../src/errors';
import { renderNodeTable } from '../src/kube/node-table';
import { controlPlaneStatementProblems, NODE_READY_STEP, REACH_CONTROL_PLANE_STEP } from '../src/spec/criterion-statements';
import { ensureWorkerReady, joinAgent } from '../src/story/join-criterion';
import { proveJoined } from '../src/story/join-proof';
import type { StoryWorld } from '../support/world';

Given(REACH_CONTROL_PLANE_STEP, async function (this: StoryWorld, controlPlane: string) {
  const problems = controlPlaneStatementProblems(this.spec, controlPlane);
  if (problems.length) throw new ConfigurationError(problems);
  await (await this.worker()).ensureControlPlaneReachable(await this.context());
});

When('I run the K3s agent installation with the server URL and node token', async function (this: StoryWorld) {
  await joinAgent(await this.worker(), await this.context());
});

// Joined means the agent runs and its kubelet registered the Node with the server; Ready is the next criterion.
Then('the agent joins the cluster successfully', async function (this: StoryWorld) {
  await proveJoined(await this.worker(), await this.context());
});

Then(NODE_READY_STEP, async function (this: StoryWorld, name: string) {
  const worker = await this.worker();
  expect(name, 'node named in the criterion').to.equal(worker.spec.hostname);
  const context = await this.context();
  await ensureWorkerReady(worker, context, this.mode);
  const nodes = (await context.target.cluster.core.listNode()).items;
  this.evidence.attach('kubectl get nodes -o wide', renderNodeTable(nodes));
  const node = nodes.find((candidate) => candidate.metadata?.name === name);
  expect(node?.status?.conditions?.find((condition) => condition.type === 'Ready')?.status, `${name} Ready condition`).to.equal('True');
});
