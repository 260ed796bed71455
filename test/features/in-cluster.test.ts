import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startLab, type RunningLab } from '../../lab';
import { ClusterClient } from '../../src/kube/cluster-client';
import { SecretRegistry } from '../../src/secrets/secret-registry';
import { ensureWorkerReady } from '../../src/story/join-criterion';
import { WorkerBuild } from '../../src/story/worker-build';
import { openTarget, workContext } from '../support/open-target';
import { kubectlFor, kubectlMissing } from '../support/kubectl';
import { storySpec } from '../support/story-spec';
import { projectRoot, runCucumber } from './run-cucumber';

const ACCOUNT = { namespace: 'k3s-acceptance', name: 'k3s-acceptance' };

/** What the README says to do: the namespace, then the manifests, applied with kubectl as the cluster's admin. */
async function applyManifests(lab: RunningLab, home: string): Promise<void> {
  const { ok } = kubectlFor(lab.env.KUBECONFIG, home);
  await ok('apply', '-f', join(projectRoot, 'deploy/namespace.yaml'));
  await ok('apply', '-f', join(projectRoot, 'deploy/nightly-cronjob.yaml'));
}

/** The files a pod sees at /var/run/secrets/kubernetes.io/serviceaccount, under a scratch root. */
function mountServiceAccount(lab: RunningLab, root: string): void {
  const dir = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), lab.k3s.serviceAccounts.issueToken(ACCOUNT.namespace, ACCOUNT.name));
  writeFileSync(join(dir, 'ca.crt'), lab.k3s.caBundlePem);
  writeFileSync(join(dir, 'namespace'), ACCOUNT.namespace);
}

describe('the nightly as the CronJob runs it: in the cluster, with the ServiceAccount and RBAC of deploy/nightly-cronjob.yaml', { skip: kubectlMissing }, () => {
  let lab: RunningLab;
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-lab-in-cluster-'));
  const root = mkdtempSync(join(tmpdir(), 'pod-root-'));

  before(async () => {
    lab = await startLab({ stateDir });
    // The cluster as the story left it: the worker joined (built with the admin kubeconfig).
    const target = await openTarget(lab.env, 'lab');
    const build = new WorkerBuild(storySpec());
    await ensureWorkerReady(build, workContext(target), 'build');
    build.close();
    target.proxmoxHost.close();
    await applyManifests(lab, root);
    mountServiceAccount(lab, root);
  });
  after(async () => {
    await lab.stop();
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  const podEnv = () => ({
    ...lab.env,
    KUBECONFIG: '',
    KUBERNETES_SERVICE_HOST: '127.0.0.1',
    KUBERNETES_SERVICE_PORT: String(lab.k3s.loopbackPort),
    SUITE_SERVICE_ACCOUNT_ROOT: root,
  });

  it('passes `--profile nightly --profile real` with no KUBECONFIG, through the in-cluster config', { timeout: 5 * 60_000 }, async (t) => {
    const run = await runCucumber(['--profile', 'nightly', '--profile', 'real'], podEnv(), t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /6 scenarios \(6 passed\)/);
  });

  it('is refused what the manifests do not grant: deleting a node, reading secrets outside kube-system', async () => {
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = String(lab.k3s.loopbackPort);
    const cluster = ClusterClient.inCluster({ secrets: new SecretRegistry() }, root);
    await assert.rejects(cluster.core.deleteNode({ name: 'k3s-worker-01' }), (error: k8s.ApiException<string>) => error.code === 403);
    await assert.rejects(cluster.core.listNamespacedSecret({ namespace: 'default' }), (error: k8s.ApiException<string>) => error.code === 403);
    assert.ok((await cluster.core.listNode()).items.length >= 2, 'it may read nodes');
  });
});
