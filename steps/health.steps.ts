import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { takeClusterSnapshot } from '../src/health/cluster-snapshot';
import { kubeletVersions, nodeFindings, renderVersionSkew, schedulableWorkers } from '../src/health/node-health';
import { probeWorkers } from '../src/health/probe-pods';
import { systemPodFindings } from '../src/health/system-workloads';
import { renderNodeTable } from '../src/kube/node-table';
import { parseDuration } from '../src/waiting/suite-timeouts';
import { runId } from '../support/run-state';
import { StoryWorld } from '../support/world';

// Steps of features/cluster-health.feature: read-only checks on two lists, plus probe pods that are always removed.

Given('on the embedded lab, the story has added its worker', async function (this: StoryWorld) {
  // A real cluster already has its workers; the lab starts with the server only, so it rehearses the story first.
  if (this.kind !== 'lab') return;
  await this.preflight();
  await (await this.worker()).ensureReady(this.evidence);
});

Given('a snapshot of the cluster\'s nodes and kube-system pods', async function (this: StoryWorld) {
  this.snapshot = await takeClusterSnapshot((await this.target()).cluster);
  this.evidence.attach('kubectl get nodes -o wide', renderNodeTable(this.snapshot.nodes));
});

Then('every node is Ready with a heartbeat newer than {word}', function (this: StoryWorld, age: string) {
  const findings = nodeFindings(this.snapshot!.nodes, parseDuration(age) ?? Number.NaN, this.snapshot!.takenAt).filter((finding) => !/Pressure=/.test(finding.problem));
  expect(findings.map((finding) => finding.problem), 'unhealthy nodes').to.deep.equal([]);
});

Then('no node reports memory, disk or PID pressure', function (this: StoryWorld) {
  const findings = nodeFindings(this.snapshot!.nodes, Number.POSITIVE_INFINITY, this.snapshot!.takenAt).filter((finding) => /Pressure=/.test(finding.problem));
  expect(findings.map((finding) => finding.problem), 'nodes under pressure').to.deep.equal([]);
});

Then('every node runs the same kubelet and k3s version', function (this: StoryWorld) {
  const versions = kubeletVersions(this.snapshot!.nodes);
  this.evidence.attach('kubelet versions', renderVersionSkew(versions));
  expect(versions.size, `version skew across nodes:\n${renderVersionSkew(versions)}`).to.equal(1);
});

Then('every kube-system pod is Running and ready, or has completed', function (this: StoryWorld) {
  expect(systemPodFindings(this.snapshot!.systemPods), 'unhealthy kube-system pods').to.deep.equal([]);
});

When('a probe pod runs on every schedulable worker', async function (this: StoryWorld) {
  const workers = schedulableWorkers(this.snapshot!.nodes);
  expect(workers.map((worker) => worker.metadata?.name), 'schedulable workers').to.not.be.empty;
  this.evidence.note(`probing ${workers.length} worker(s): ${workers.map((worker) => worker.metadata?.name).join(', ')}`);
  await probeWorkers((await this.target()).cluster, workers, runId, await this.ledger());
});
