import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { nodeReadiness, isControlPlane } from '../src/kube/node-readiness';
import { requireReadyNode } from '../src/provisioning/node-ready';
import { renderNodeTable } from '../src/kube/node-table';
import { deployTestPod, podEvents, waitForRunning, waitForScheduling } from '../src/provisioning/test-pod';
import { explainPlacement } from '../src/provisioning/placement';
import { runId } from '../support/run-state';
import { StoryWorld } from '../support/world';

Given('both master and worker nodes are Ready', async function (this: StoryWorld) {
  const worker = await this.worker();
  await worker.ensureReady(this.evidence);
  const nodes = (await (await this.target()).cluster.core.listNode()).items;
  this.evidence.attach('kubectl get nodes -o wide (before the test pod)', renderNodeTable(nodes));
  const readyMasters = nodes.filter((node) => isControlPlane(node) && nodeReadiness(node).ready);
  expect(readyMasters.map((node) => node.metadata?.name), 'Ready control-plane nodes').to.not.be.empty;
  requireReadyNode(nodes, worker.spec.hostname);
});

When('I deploy a test pod without node selector', async function (this: StoryWorld) {
  this.testPod = await deployTestPod((await this.target()).cluster, runId, await this.ledger());
});

Then('the pod schedules to the worker node \\(not master)', async function (this: StoryWorld) {
  const { cluster } = await this.target();
  const worker = await this.worker();
  const pod = await waitForScheduling(cluster, this.testPod!);
  const placement = await explainPlacement(cluster, pod, worker.spec.hostname);
  this.evidence.note(placement.summary);
  if (!placement.onWorker) throw new Error(placement.summary);
});

Then('the pod reaches Running state', async function (this: StoryWorld) {
  const { cluster } = await this.target();
  try {
    const pod = await waitForRunning(cluster, this.testPod!);
    expect(pod.status?.phase).to.equal('Running');
  } finally {
    this.evidence.attach(`events of pod ${this.testPod!.name}`, await podEvents(cluster, this.testPod!));
  }
});
