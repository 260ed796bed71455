import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { takeClusterSnapshot } from '../src/health/cluster-snapshot';
import { kubeletVersions, nodeFindings, renderVersionSkew, schedulableWorkers, skewFindings, whyUnschedulable } from '../src/health/node-health';
import { waitForSystemDaemonSets } from '../src/health/daemon-sets-rolled-out';
import { InfrastructureError } from '../src/errors';
import { isControlPlane } from '../src/kube/node-readiness';
import { probeWorkers } from '../src/health/probe-pods';
import { systemPodFindings } from '../src/health/system-workloads';
import { NODE_PASSWORD_NAMESPACE, nodePasswordSecretName } from '../src/k3s/node-password';
import { unlessNotFound } from '../src/kube/cluster-client';
import { renderNodeTable } from '../src/kube/node-table';
import { rehearsalSpec } from '../src/provisioning/rehearsal-worker';
import { removeWorkerTheK3sWay } from '../src/provisioning/remove-worker';
import { addWorker } from '../src/story/add-worker';
import { ensureWorkerReady } from '../src/story/join-criterion';
import { parseDuration } from '../src/waiting/suite-timeouts';
import type { StoryWorld } from '../support/world';

// Steps of features/cluster-health.feature: read-only checks on one snapshot, probe pods that are always removed, and
// the rehearsal, which builds and removes a worker of its own.

Given('on the embedded lab, the story has added its worker', async function (this: StoryWorld) {
  // A real cluster already has its workers: there the nightly only reads. The lab starts with the server only, so it
  // rehearses the story first, the one build a read-only scenario allows, and only on the lab.
  if (this.run.kind !== 'lab') return;
  await this.run.changes.under({ kind: 'any' }, async () => {
    await this.preflight();
    await ensureWorkerReady(await this.worker(), await this.context(), 'build');
  });
  const context = await this.context();
  await waitForSystemDaemonSets(context.target.cluster, context.waits);
});

Given('a snapshot of the cluster\'s nodes and kube-system pods', async function (this: StoryWorld) {
  this.snapshot = await takeClusterSnapshot((await this.target()).cluster);
  this.evidence.attach('kubectl get nodes -o wide', renderNodeTable(this.snapshot.nodes));
});

Then('every node is Ready and its kubelet renewed its Lease within {word}', function (this: StoryWorld, grace: string) {
  const { nodes, leases, takenAt } = this.snapshot!;
  const findings = nodeFindings(nodes, leases, parseDuration(grace) ?? Number.NaN, takenAt).filter((finding) => finding.kind === 'readiness');
  expect(findings.map((finding) => finding.problem), 'unhealthy nodes').to.deep.equal([]);
});

Then('no node reports memory, disk or PID pressure', function (this: StoryWorld) {
  const { nodes, leases, takenAt } = this.snapshot!;
  const findings = nodeFindings(nodes, leases, Number.POSITIVE_INFINITY, takenAt).filter((finding) => finding.kind === 'pressure');
  expect(findings.map((finding) => finding.problem), 'nodes under pressure').to.deep.equal([]);
});

Then('every kubelet is within the version-skew policy of the API server', function (this: StoryWorld) {
  const versions = kubeletVersions(this.snapshot!.nodes);
  this.evidence.attach('kubelet versions', `API server ${this.snapshot!.serverVersion}\n${renderVersionSkew(versions)}`);
  expect(skewFindings(versions, this.snapshot!.serverVersion), 'kubelets outside the version-skew policy').to.deep.equal([]);
});

Then('every kube-system pod is Running and ready, or has completed', function (this: StoryWorld) {
  expect(systemPodFindings(this.snapshot!.systemPods), 'unhealthy kube-system pods').to.deep.equal([]);
});

When('a probe pod runs on every schedulable worker', async function (this: StoryWorld) {
  const workers = schedulableWorkers(this.snapshot!.nodes);
  if (!workers.length) {
    const others = this.snapshot!.nodes.filter((node) => !isControlPlane(node)).map((node) => `${node.metadata?.name} is ${whyUnschedulable(node)}`);
    throw new InfrastructureError('kubernetes', `no worker can take a pod: ${others.join('; ') || 'the cluster has no workers'}. The nightly repairs nothing: look at each with \`kubectl describe node NAME\`.`);
  }
  this.evidence.note(`probing ${workers.length} worker(s): ${workers.map((worker) => worker.metadata?.name).join(', ')}`);
  const context = await this.context();
  await probeWorkers(context.target.cluster, workers, this.run.id, context.tracker, context.waits);
});

// The ephemeral rehearsal: the story once more at a free VMID and address, then removed the k3s way.
When('the operator adds a rehearsal worker named {word} at a free VMID and address', async function (this: StoryWorld, hostname: string) {
  // Building needs Proxmox and the token, and the rights to add and remove this worker: refused before anything.
  await this.run.requireAccess('rehearsal', hostname);
  const context = await this.context();
  const { spec, skipped } = await rehearsalSpec(context.target, this.spec, hostname);
  const answered = skipped.map((taken) => `${taken.ip} (${taken.by})`).join(', ');
  this.evidence.note(`rehearsal worker ${hostname}: CT ${spec.vmid} at ${spec.ip}${answered ? `; skipped ${answered}` : ''}`);
  // Not kept once Ready: if the run dies before removing it, the next run's sweep does.
  this.rehearsal = await this.run.worker(spec, { keepWhenReady: false });
  await addWorker(this.rehearsal, context, { onTestPod: (pod) => (this.testPod = pod) });
});

When(/^the (rehearsal )?worker is removed the k3s way$/, async function (this: StoryWorld, rehearsal?: string) {
  const build = rehearsal ? this.rehearsal! : await this.worker();
  build.close();
  await removeWorkerTheK3sWay(await this.context(), build.spec);
});

Then('neither its node, its node-password secret nor its container remain', async function (this: StoryWorld) {
  const target = await this.target();
  const { cluster } = target;
  const { vmid, hostname } = this.rehearsal!.spec;
  expect(await unlessNotFound(cluster.core.readNode({ name: hostname })), `node ${hostname}`).to.equal(undefined);
  expect(await unlessNotFound(cluster.core.readNamespacedSecret({ name: nodePasswordSecretName(hostname), namespace: NODE_PASSWORD_NAMESPACE })), 'its node-password secret').to.equal(undefined);
  expect(await target.proxmox.locate(vmid), `CT ${vmid}`).to.equal(undefined);
});
