import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startLab, type RunningLab } from '../../lab';
import type { PolicyRule } from '../../lab/k3s/service-accounts';
import { untracked } from '../../src/cleanup/cleanup-ledger';
import { ClusterClient } from '../../src/kube/cluster-client';
import { discardEvidence } from '../../src/provisioning/evidence';
import { WorkerBuild } from '../../src/provisioning/worker-build';
import { openTarget } from '../../support/open-target';
import { storySpec } from '../support/story-spec';
import { projectRoot, runCucumber } from './run-cucumber';

const ACCOUNT = { namespace: 'k3s-acceptance', name: 'k3s-acceptance' };

/** Grants the lab's ServiceAccount exactly what the manifests' (Cluster)RoleBindings give it. */
function grantFromManifests(lab: RunningLab): void {
  const documents = k8s.loadAllYaml(readFileSync(join(projectRoot, 'deploy/nightly-cronjob.yaml'), 'utf8')) as Array<Record<string, any>>;
  const roles = new Map(documents.filter((d) => d.kind === 'Role' || d.kind === 'ClusterRole').map((d) => [`${d.kind}/${d.metadata.namespace ?? ''}/${d.metadata.name}`, d.rules as PolicyRule[]]));
  for (const binding of documents.filter((d) => d.kind === 'RoleBinding' || d.kind === 'ClusterRoleBinding')) {
    if (!binding.subjects.some((s: any) => s.kind === 'ServiceAccount' && s.name === ACCOUNT.name && s.namespace === ACCOUNT.namespace)) continue;
    const namespace = binding.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
    const rules = roles.get(`${binding.roleRef.kind}/${binding.roleRef.kind === 'Role' ? namespace : ''}/${binding.roleRef.name}`);
    assert.ok(rules, `${binding.kind} ${binding.metadata.name} refers to a role the manifests define`);
    lab.k3s.serviceAccounts.grant(ACCOUNT.namespace, ACCOUNT.name, { rules, namespace });
  }
}

/** The files a pod sees at /var/run/secrets/kubernetes.io/serviceaccount, under a scratch root. */
function mountServiceAccount(lab: RunningLab, root: string): void {
  const dir = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), lab.k3s.serviceAccounts.issueToken(ACCOUNT.namespace, ACCOUNT.name));
  writeFileSync(join(dir, 'ca.crt'), lab.k3s.caBundlePem);
  writeFileSync(join(dir, 'namespace'), ACCOUNT.namespace);
}

describe('the nightly as the CronJob runs it: in the cluster, with the ServiceAccount of deploy/nightly-cronjob.yaml', () => {
  let lab: RunningLab;
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-lab-in-cluster-'));
  const root = mkdtempSync(join(tmpdir(), 'pod-root-'));

  before(async () => {
    lab = await startLab({ stateDir });
    // The cluster as the story left it: the worker joined (built with the admin kubeconfig).
    const target = await openTarget(lab.env, 'lab');
    const build = new WorkerBuild(storySpec(), target, 'setup', untracked);
    await build.ensureReady(discardEvidence);
    build.close();
    target.proxmoxHost.close();
    grantFromManifests(lab);
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
    const cluster = ClusterClient.inCluster(root);
    await assert.rejects(cluster.core.deleteNode({ name: 'k3s-worker-01' }), (error: k8s.ApiException<string>) => error.code === 403);
    await assert.rejects(cluster.core.listNamespacedSecret({ namespace: 'default' }), (error: k8s.ApiException<string>) => error.code === 403);
    assert.ok((await cluster.core.listNode()).items.length >= 2, 'it may read nodes');
  });
});
