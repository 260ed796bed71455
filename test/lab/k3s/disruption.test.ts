import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningK3sServer } from '../../../lab/k3s';
import { kubectlFor, kubectlMissing } from '../../support/kubectl';
import { adminCredentials, request, startTestServer, watchUntil, type Credentials } from './lab-client';

const lines = (text: string) => text.trimEnd().split('\n');
const columns = (line: string) => line.trim().split(/\s{2,}/);

describe('evictions honour PodDisruptionBudgets (policy/v1 Eviction, disruption controller)', { skip: kubectlMissing }, () => {
  let server: RunningK3sServer;
  let admin: Credentials;
  let dir: string;
  let kubectl: ReturnType<typeof kubectlFor>;

  const webPod = () => server.store.list('pods', 'default').find((pod) => pod.metadata.name.startsWith('web-') && !pod.metadata.deletionTimestamp)!;
  const budget = () => server.store.get('poddisruptionbudgets', 'default', 'web')!;

  before(async () => {
    ({ server } = await startTestServer());
    admin = adminCredentials(server);
    dir = mkdtempSync(join(tmpdir(), 'kubectl-pdb-'));
    writeFileSync(join(dir, 'k3s.yaml'), server.kubeconfig(), { mode: 0o600 });
    kubectl = kubectlFor(join(dir, 'k3s.yaml'), dir);
    writeFileSync(join(dir, 'web.yaml'), [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}',
      'spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: nginx, image: "nginx:alpine"}]}}}', '---',
      'apiVersion: policy/v1', 'kind: PodDisruptionBudget', 'metadata: {name: web}', 'spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}', '',
    ].join('\n'));
    await kubectl.ok('apply', '-f', join(dir, 'web.yaml'));
    await kubectl.ok('wait', '--for=condition=Available', 'deployment/web', '--timeout=30s');
    await watchUntil(server, admin, '/apis/policy/v1/namespaces/default/poddisruptionbudgets?watch=true', (e) => e.object.status?.currentHealthy === 1);
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('get pdb: MIN AVAILABLE 1, MAX UNAVAILABLE N/A, ALLOWED DISRUPTIONS 0 with its one pod healthy (printPodDisruptionBudget)', async () => {
    const [header, row] = lines(await kubectl.ok('get', 'pdb')).map(columns);
    assert.deepEqual(header, ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']);
    assert.deepEqual(row.slice(0, 4), ['web', '1', 'N/A', '0']);
    assert.deepEqual([budget().status.currentHealthy, budget().status.desiredHealthy, budget().status.expectedPods], [1, 1, 1]);
  });

  it('refuses an eviction the budget does not allow: 429 TooManyRequests with the DisruptionBudget cause, the pod stays', async () => {
    const pod = webPod();
    const response = await request(server, admin, 'POST', `/api/v1/namespaces/default/pods/${pod.metadata.name}/eviction`, {
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: 'default' } },
    });
    assert.equal(response.status, 429);
    assert.deepEqual(response.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 429, reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 1 currently' }] },
    });
    assert.equal(server.store.get('pods', 'default', pod.metadata.name)?.metadata.deletionTimestamp, undefined);
  });

  it('drain (through the Eviction API, as kubectl 1.34 drains): "Cannot evict pod as it would violate the pod\'s disruption budget.", retried until the timeout', async () => {
    const result = await kubectl.run('drain', 'k3s-master', '--ignore-daemonsets', '--timeout=2s');
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /error when evicting pods\/"web-[a-z0-9]+-[a-z0-9]{5}" -n "default" \(will retry after 5s\): Cannot evict pod as it would violate the pod's disruption budget\./);
    assert.ok(webPod(), 'the budget kept the pod');
    await kubectl.ok('uncordon', 'k3s-master');
  });

  it('evicts once the budget allows a disruption (maxUnavailable 1): 201 Status Success, the budget used up, the pod deleted gracefully', async () => {
    await kubectl.ok('patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":null,"maxUnavailable":1}}');
    await watchUntil(server, admin, '/apis/policy/v1/namespaces/default/poddisruptionbudgets?watch=true', (e) => e.object.status?.disruptionsAllowed === 1);
    const pod = webPod();
    const response = await request(server, admin, 'POST', `/api/v1/namespaces/default/pods/${pod.metadata.name}/eviction`, {
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: 'default' } },
    });
    assert.equal(response.status, 201);
    assert.deepEqual(response.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    assert.ok(server.store.get('pods', 'default', pod.metadata.name)?.metadata.deletionTimestamp ?? !server.store.get('pods', 'default', pod.metadata.name));
  });
});
