import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const NIGHTLY_FILE = join(projectRoot, 'deploy/nightly-cronjob.yaml');
const REHEARSAL_FILE = join(projectRoot, 'deploy/rehearsal-cronjob.yaml');

interface CronJobPod {
  account: string;
  args: string[];
  env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string } } }>;
}

/** The pod a manifest's CronJob would start: its ServiceAccount, its arguments and its environment. */
function cronJobPod(file: string): CronJobPod {
  const objects = k8s.loadAllYaml(readFileSync(file, 'utf8')) as Array<Record<string, any>>;
  const pod = objects.find((object) => object.kind === 'CronJob')!.spec.jobTemplate.spec.template.spec;
  return { account: pod.serviceAccountName, args: pod.containers[0].args, env: pod.containers[0].env ?? [] };
}

/** The files a pod sees at /var/run/secrets/kubernetes.io/serviceaccount, under a scratch root. */
function mountServiceAccount(lab: RunningLab, account: string): string {
  const root = mkdtempSync(join(tmpdir(), `pod-root-${account}-`));
  const dir = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), lab.k3s.serviceAccounts.issueToken('k3s-acceptance', account));
  writeFileSync(join(dir, 'ca.crt'), lab.k3s.caBundlePem);
  writeFileSync(join(dir, 'namespace'), 'k3s-acceptance');
  return root;
}

describe('the CronJobs as deploy/ runs them: in the cluster, with their ServiceAccount, RBAC and environment only', { skip: kubectlMissing }, () => {
  let lab: RunningLab;
  let admin: ReturnType<typeof kubectlFor>;
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-lab-in-cluster-'));
  const home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
  const roots: string[] = [];

  before(async () => {
    lab = await startLab({ stateDir });
    // The cluster as the story left it: the worker joined (built with the admin kubeconfig).
    const target = await openTarget(lab.env, 'lab');
    const build = new WorkerBuild(storySpec());
    await ensureWorkerReady(build, workContext(target), 'build');
    build.close();
    target.close();
    admin = kubectlFor(lab.env.KUBECONFIG, home);
    for (const file of ['deploy/namespace.yaml', 'deploy/nightly-cronjob.yaml', 'deploy/rehearsal-cronjob.yaml']) await admin.ok('apply', '-f', join(projectRoot, file));
  });
  after(async () => {
    await lab.stop();
    for (const dir of [stateDir, home, ...roots]) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * What the pod's process would see: the in-cluster service, the ServiceAccount's files, and the manifest's env with
   * the lab's values for the names it lists (its Secret's keys filled from the lab's files). `lab.env`'s other
   * variables are not passed: what the manifest does not give, the run does not get.
   */
  function podEnv(pod: CronJobPod, extra: Record<string, string> = {}): Record<string, string> {
    const root = mountServiceAccount(lab, pod.account);
    roots.push(root);
    const labValue = (name: string): string => {
      if (name === 'PROXMOX_VE_SSH_PRIVATE_KEY') return readFileSync(lab.env.PROXMOX_VE_SSH_PRIVATE_KEY_FILE, 'utf8');
      if (name === 'K3S_TOKEN') return readFileSync(lab.env.K3S_TOKEN_FILE, 'utf8').trim();
      const value = (lab.env as Record<string, string>)[name];
      assert.ok(value, `the lab has a value for ${name}`);
      return value;
    };
    const unset = Object.fromEntries(Object.keys(lab.env).map((name) => [name, '']));
    return {
      ...unset,
      ...Object.fromEntries(pod.env.map((variable) => [variable.name, labValue(variable.name)])),
      ...extra,
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(lab.k3s.loopbackPort),
      SUITE_SERVICE_ACCOUNT_ROOT: root,
    };
  }

  const testPods = () => lab.k3s.store.list('pods').filter((pod) => pod.metadata.namespace === 'default');

  it('the nightly passes with deploy/nightly-cronjob.yaml\'s arguments and no environment but the in-cluster service: no kubeconfig, no Proxmox, no token', { timeout: 5 * 60_000 }, async (t) => {
    const pod = cronJobPod(NIGHTLY_FILE);
    assert.deepEqual(pod.env, [], 'the nightly\'s pod is given no variable');
    const run = await runCucumber(pod.args, podEnv(pod), t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /6 scenarios \(6 passed\)/);
  });

  it('with one rule taken out of its Role (pods/log in default), the nightly is refused naming that verb and resource, and creates no pod', { timeout: 5 * 60_000 }, async (t) => {
    const manifest = readFileSync(NIGHTLY_FILE, 'utf8');
    const rule = '  - apiGroups: [""]\n    resources: ["pods/log"]\n    verbs: ["get"]\n';
    assert.ok(manifest.includes(rule), 'deploy/nightly-cronjob.yaml grants pods/log as this test removes it');
    const variant = join(home, 'nightly-without-log.yaml');
    writeFileSync(variant, manifest.replace(rule, ''));
    await admin.ok('apply', '-f', variant);
    try {
      const podsBefore = testPods().map((pod) => pod.metadata.name);
      const pod = cronJobPod(NIGHTLY_FILE);
      const run = await runCucumber(pod.args, podEnv(pod), t.signal);
      assert.equal(run.exitCode, 1, run.output);
      assert.match(run.output, /the pod's ServiceAccount: get pods\/log in namespace default: is not allowed \(SelfSubjectAccessReview: `kubectl auth can-i get pods --subresource=log -n default` answers no\)/);
      assert.match(run.output, /Fix: grant it with this rule in a Role in default bound to these credentials: \{ apiGroups: \[""\], resources: \["pods\/log"\], verbs: \["get"\] \}/);
      assert.match(run.output, /6 scenarios \(6 failed\)/);
      assert.deepEqual(testPods().map((p) => p.metadata.name), podsBefore, 'no probe or test pod was created');
    } finally {
      await admin.ok('apply', '-f', NIGHTLY_FILE);
    }
  });

  it('the rehearsal passes as its own CronJob: its ServiceAccount, its Secret\'s keys, and only the rehearsal\'s rights', { timeout: 5 * 60_000 }, async (t) => {
    const pod = cronJobPod(REHEARSAL_FILE);
    assert.deepEqual(pod.env.filter((variable) => variable.valueFrom).map((variable) => variable.valueFrom?.secretKeyRef?.key), ['PROXMOX_VE_API_TOKEN', 'PROXMOX_VE_SSH_PRIVATE_KEY', 'K3S_TOKEN']);
    // A real node's SSH is on the endpoint's host at 22; the lab's is on a loopback port.
    const run = await runCucumber(pod.args, podEnv(pod, { PROXMOX_VE_SSH_ADDRESS: lab.env.PROXMOX_VE_SSH_ADDRESS, PROXMOX_VE_SSH_PORT: lab.env.PROXMOX_VE_SSH_PORT }), t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /1 scenario \(1 passed\)/);
    assert.equal(lab.k3s.store.get('nodes', undefined, 'k3s-rehearsal'), undefined, 'the rehearsal\'s node is gone');
  });

  it('each ServiceAccount is refused what its manifest does not grant', async () => {
    const client = (account: string) => {
      process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
      process.env.KUBERNETES_SERVICE_PORT = String(lab.k3s.loopbackPort);
      const root = mountServiceAccount(lab, account);
      roots.push(root);
      return ClusterClient.inCluster({ secrets: new SecretRegistry() }, root);
    };
    const forbidden = (error: k8s.ApiException<string>) => error.code === 403;
    const nightly = client('k3s-acceptance');
    assert.ok((await nightly.core.listNode()).items.length >= 2, 'the nightly may read nodes');
    await assert.rejects(nightly.core.deleteNode({ name: 'k3s-worker-01' }), forbidden);
    await assert.rejects(nightly.core.listNamespacedSecret({ namespace: 'kube-system' }), forbidden);
    await assert.rejects(nightly.core.readNamespacedSecret({ name: 'k3s-worker-01.node-password.k3s', namespace: 'kube-system' }), forbidden);
    const rehearsal = client('k3s-acceptance-rehearsal');
    await assert.rejects(rehearsal.core.deleteNode({ name: 'k3s-worker-01' }), forbidden, 'the rehearsal may delete only its own node');
    await assert.rejects(rehearsal.core.readNamespacedSecret({ name: 'k3s-worker-01.node-password.k3s', namespace: 'kube-system' }), forbidden, 'nor read another node\'s password');
    await assert.rejects(rehearsal.core.listNamespacedSecret({ namespace: 'kube-system' }), forbidden);
  });
});
