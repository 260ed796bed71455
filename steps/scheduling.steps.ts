import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { isControlPlane, nodeReadiness } from '../src/kube/node-readiness';
import { renderNodeTable } from '../src/kube/node-table';
import { requireReadyNode } from '../src/provisioning/node-ready';
import { ensureWorkerReady } from '../src/story/join-criterion';
import { deployFreePod, requirePlacedOnWorker, requireRunning } from '../src/story/scheduling-criterion';
import type { StoryWorld } from '../support/world';

Given('both master and worker nodes are Ready', async function (this: StoryWorld) {
  const worker = await this.worker();
  const context = await this.context();
  await ensureWorkerReady(worker, context, this.mode);
  const nodes = (await context.target.cluster.core.listNode()).items;
  this.evidence.attach('kubectl get nodes -o wide (before the test pod)', renderNodeTable(nodes));
  const readyMasters = nodes.filter((node) => isControlPlane(node) && nodeReadiness(node).ready);
  expect(readyMasters.map((node) => node.metadata?.name), 'Ready control-plane nodes').to.not.be.empty;
  requireReadyNode(nodes, worker.spec.hostname);
});

When('I deploy a test pod without node selector', async function (this: StoryWorld) {
  this.testPod = await deployFreePod(await this.context());
});

Then('the pod schedules to the worker node \\(not master)', async function (this: StoryWorld) {
  await requirePlacedOnWorker(await this.context(), this.testPod!, this.spec.hostname);
});

Then('the pod reaches Running state', async function (this: StoryWorld) {
  const pod = await requireRunning(await this.context(), this.testPod!);
  expect(pod.status?.phase).to.equal('Running');
});
