import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningK3sServer } from '../../lab/k3s';
import { startTestServer } from '../lab/k3s/lab-client';
import { kubectlFor, kubectlMissing } from '../support/kubectl';
import { projectRoot } from './run-cucumber';

const NAMESPACE_FILE = join(projectRoot, 'deploy/namespace.yaml');
const MANIFEST_FILE = join(projectRoot, 'deploy/nightly-cronjob.yaml');
const MANIFEST = readFileSync(MANIFEST_FILE, 'utf8');

const REHEARSAL_FILE = join(projectRoot, 'deploy/rehearsal-cronjob.yaml');

/** Every object of deploy/nightly-cronjob.yaml, as kubectl names it in its output. */
const OBJECTS = [
  'serviceaccount/k3s-acceptance',
  'clusterrole.rbac.authorization.k8s.io/k3s-acceptance-nightly-read',
  'clusterrolebinding.rbac.authorization.k8s.io/k3s-acceptance-nightly-read',
  'role.rbac.authorization.k8s.io/k3s-acceptance-nightly-leases',
  'rolebinding.rbac.authorization.k8s.io/k3s-acceptance-nightly-leases',
  'role.rbac.authorization.k8s.io/k3s-acceptance-nightly-system-pods',
  'rolebinding.rbac.authorization.k8s.io/k3s-acceptance-nightly-system-pods',
  'role.rbac.authorization.k8s.io/k3s-acceptance-nightly-pods',
  'rolebinding.rbac.authorization.k8s.io/k3s-acceptance-nightly-pods',
  'persistentvolumeclaim/k3s-acceptance-results',
  'cronjob.batch/k3s-acceptance-nightly',
];

/** Every object of deploy/rehearsal-cronjob.yaml. */
const REHEARSAL_OBJECTS = [
  'serviceaccount/k3s-acceptance-rehearsal',
  'clusterrole.rbac.authorization.k8s.io/k3s-acceptance-rehearsal',
  'clusterrolebinding.rbac.authorization.k8s.io/k3s-acceptance-rehearsal',
  'role.rbac.authorization.k8s.io/k3s-acceptance-rehearsal-leases',
  'rolebinding.rbac.authorization.k8s.io/k3s-acceptance-rehearsal-leases',
  'role.rbac.authorization.k8s.io/k3s-acceptance-rehearsal-system',
  'rolebinding.rbac.authorization.k8s.io/k3s-acceptance-rehearsal-system',
  'role.rbac.authorization.k8s.io/k3s-acceptance-rehearsal-pods',
  'rolebinding.rbac.authorization.k8s.io/k3s-acceptance-rehearsal-pods',
  'persistentvolumeclaim/k3s-acceptance-rehearsal-results',
  'cronjob.batch/k3s-acceptance-rehearsal',
];

/** The manifest with one mistake in it; the replaced text must be there, so a changed manifest fails loudly. */
function withMistake(from: string, to: string): string {
  assert.ok(MANIFEST.includes(from), `deploy/nightly-cronjob.yaml still contains ${JSON.stringify(from)}`);
  return MANIFEST.replace(from, to);
}

describe('deploy/ checked with `kubectl apply --dry-run=server` against the lab (validated by the server, nothing stored)', { skip: kubectlMissing }, () => {
  let server: RunningK3sServer;
  let dir: string;
  let kubectl: ReturnType<typeof kubectlFor>;

  /** Writes a manifest variant and dry-runs it; kubectl's exit code, stdout and stderr. */
  async function dryRun(text: string) {
    const file = join(dir, 'variant.yaml');
    writeFileSync(file, text);
    return kubectl.run('apply', '--dry-run=server', '-f', file);
  }

  const stored = (resource: string) => server.store.list(resource).filter((o) => o.metadata.name.startsWith('k3s-acceptance'));

  before(async () => {
    ({ server } = await startTestServer());
    dir = mkdtempSync(join(tmpdir(), 'deploy-manifests-'));
    writeFileSync(join(dir, 'k3s.yaml'), server.kubeconfig(), { mode: 0o600 });
    kubectl = kubectlFor(join(dir, 'k3s.yaml'), dir);
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('on a fresh cluster a dry run of both files creates nothing, so the namespaced objects find no namespace: why namespace.yaml goes first', async () => {
    const result = await kubectl.run('apply', '--dry-run=server', '-f', NAMESPACE_FILE, '-f', MANIFEST_FILE);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^namespace\/k3s-acceptance created \(server dry run\)$/m);
    assert.match(result.stderr, /Error from server \(NotFound\): error when creating ".*nightly-cronjob\.yaml": namespaces "k3s-acceptance" not found/);
    assert.equal(server.store.get('namespaces', undefined, 'k3s-acceptance'), undefined, 'the dry run stored no namespace');
  });

  it('once deploy/namespace.yaml is applied, every object of both manifests passes the server dry run, and none is stored', async () => {
    assert.equal(await kubectl.ok('apply', '-f', NAMESPACE_FILE), 'namespace/k3s-acceptance created\n');
    const writesBefore = server.writeCount();
    const output = await kubectl.ok('apply', '--dry-run=server', '-f', MANIFEST_FILE);
    assert.deepEqual(output.trimEnd().split('\n'), OBJECTS.map((object) => `${object} created (server dry run)`));
    const rehearsal = await kubectl.ok('apply', '--dry-run=server', '-f', REHEARSAL_FILE);
    assert.deepEqual(rehearsal.trimEnd().split('\n'), REHEARSAL_OBJECTS.map((object) => `${object} created (server dry run)`));
    for (const resource of ['serviceaccounts', 'clusterroles', 'clusterrolebindings', 'roles', 'rolebindings', 'persistentvolumeclaims', 'cronjobs']) {
      assert.deepEqual(stored(resource), [], `no ${resource} of the manifest were stored`);
    }
    assert.equal(server.writeCount(), writesBefore, 'a dry run writes nothing');
  });

  it('a misspelt field is refused by the server\'s strict decoding (kubectl sends fieldValidation=Strict)', async () => {
    const result = await dryRun(withMistake('restartPolicy: Never', 'restartPolicy: Never\n          nodeSelecter: { a: b }'));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Error from server \(BadRequest\): error when creating ".*": CronJob in version "v1" cannot be handled as a CronJob: strict decoding error: unknown field "spec\.jobTemplate\.spec\.template\.spec\.nodeSelecter"/);
  });

  it('a Job template that restarts in place (restartPolicy: Always) is invalid for a CronJob', async () => {
    const result = await dryRun(withMistake('restartPolicy: Never', 'restartPolicy: Always'));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /The CronJob "k3s-acceptance-nightly" is invalid: spec\.jobTemplate\.spec\.template\.spec\.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"/);
  });

  it('an hour out of range in the schedule and a lower-case concurrency policy are both reported, with cron\'s own words', async () => {
    const result = await dryRun(withMistake('schedule: "30 2 * * *"', 'schedule: "30 25 * * *"').replace('concurrencyPolicy: Forbid', 'concurrencyPolicy: forbid'));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /spec\.schedule: Invalid value: "30 25 \* \* \*": end of range \(25\) above maximum \(23\): 25/);
    assert.match(result.stderr, /spec\.concurrencyPolicy: Unsupported value: "forbid": supported values: "Allow", "Forbid", "Replace"/);
  });

  it('a ClusterRoleBinding that refers to a Role, and a rule without API groups, are invalid RBAC', async () => {
    const result = await dryRun(
      withMistake('  kind: ClusterRole\n  name: k3s-acceptance-nightly-read', '  kind: Role\n  name: k3s-acceptance-nightly-read')
        .replace('  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list"]', '  - resources: ["pods"]\n    verbs: ["list"]'),
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /ClusterRoleBinding\.rbac\.authorization\.k8s\.io "k3s-acceptance-nightly-read" is invalid: roleRef\.kind: Unsupported value: "Role": supported values: "ClusterRole"/);
    assert.match(result.stderr, /Role\.rbac\.authorization\.k8s\.io "k3s-acceptance-nightly-system-pods" is invalid: rules\[0\]\.apiGroups: Required value: resource rules must supply at least one api group/);
  });

  it('once applied, a dry run of the same manifest is unchanged, and a misspelt field in a change is refused as an invalid patch', async () => {
    await kubectl.ok('apply', '-f', MANIFEST_FILE);
    assert.equal(stored('cronjobs').length, 1, 'the real apply stored the CronJob');
    const output = await kubectl.ok('apply', '--dry-run=server', '-f', MANIFEST_FILE);
    assert.deepEqual(output.trimEnd().split('\n'), OBJECTS.map((object) => `${object} unchanged (server dry run)`));
    const result = await dryRun(withMistake('mountPath: /results', 'mountPath: /results\n                  readonly: true'));
    assert.equal(result.code, 1);
    assert.match(result.stderr, /The request is invalid: patch: Invalid value: "map\[.*\]": strict decoding error: unknown field "spec\.jobTemplate\.spec\.template\.spec\.containers\[0\]\.volumeMounts\[0\]\.readonly"/s);
  });
});
