import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { RunningK3sServer } from '../../../lab/k3s';
import { scheduleError } from '../../../lab/k3s/resources/cron-schedule';
import { request, useTestServer, watchUntil, type Credentials } from './lab-client';

const cronJob = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name },
  spec: { schedule: '30 2 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } }, ...extra },
});

describe('API groups rbac.authorization.k8s.io/v1 and batch/v1, dry runs and field validation (kube-apiserver behaviour)', () => {
  let server: RunningK3sServer;
  let admin: Credentials;
  useTestServer((lab) => ({ server, admin } = lab));

  it('lists the groups in /apis with their preferred version, and each group-version\'s resources', async () => {
    const groups = (await request(server, admin, 'GET', '/apis')).json().groups as Array<{ name: string; preferredVersion: { groupVersion: string } }>;
    // In the order a real kube-apiserver lists them (its group priorities).
    assert.deepEqual(groups.map((g) => [g.name, g.preferredVersion.groupVersion]), [
      ['apps', 'apps/v1'], ['authorization.k8s.io', 'authorization.k8s.io/v1'], ['batch', 'batch/v1'], ['policy', 'policy/v1'],
      ['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io/v1'], ['coordination.k8s.io', 'coordination.k8s.io/v1'],
    ]);
    assert.equal((await request(server, admin, 'GET', '/apis/batch')).json().kind, 'APIGroup');
    const batch = (await request(server, admin, 'GET', '/apis/batch/v1')).json();
    assert.equal(batch.groupVersion, 'batch/v1');
    assert.deepEqual(batch.resources.find((r: { name: string }) => r.name === 'cronjobs').shortNames, ['cj']);
    const coreList = (await request(server, admin, 'GET', '/api/v1')).json().resources;
    // Subresources of another group say so, which is how kubectl drain finds the Eviction API.
    assert.deepEqual(coreList.find((r: { name: string }) => r.name === 'pods/eviction'), {
      name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'],
    });
    const core = coreList.map((r: { name: string }) => r.name);
    assert.ok(core.includes('serviceaccounts') && core.includes('persistentvolumeclaims'));
    assert.equal((await request(server, admin, 'GET', '/apis/networking.k8s.io/v1')).status, 404, 'a group the lab does not serve');
  });

  it('indexes an OpenAPI v3 document per group-version, whose operations carry the group\'s kind and fieldValidation', async () => {
    const index = (await request(server, admin, 'GET', '/openapi/v3')).json().paths as Record<string, { serverRelativeURL: string }>;
    assert.deepEqual(Object.keys(index), [
      'api/v1', 'apis/apps/v1', 'apis/authorization.k8s.io/v1', 'apis/batch/v1', 'apis/policy/v1', 'apis/rbac.authorization.k8s.io/v1', 'apis/coordination.k8s.io/v1',
    ]);
    const document = (await request(server, admin, 'GET', index['apis/batch/v1'].serverRelativeURL)).json();
    const patch = document.paths['/apis/batch/v1/namespaces/{namespace}/cronjobs/{name}'].patch;
    assert.equal(patch.operationId, 'patchBatchV1NamespacedCronJob');
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'batch', version: 'v1', kind: 'CronJob' });
    assert.ok(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
  });

  it('creates a CronJob under /apis/batch/v1 with its defaults, and names it cronjobs.batch when it is missing', async () => {
    const created = await request(server, admin, 'POST', '/apis/batch/v1/namespaces/default/cronjobs', { body: cronJob('nightly') });
    assert.equal(created.status, 201);
    assert.equal(created.json().apiVersion, 'batch/v1');
    assert.deepEqual([created.json().spec.concurrencyPolicy, created.json().spec.successfulJobsHistoryLimit, created.json().spec.failedJobsHistoryLimit], ['Allow', 3, 1]);
    const missing = await request(server, admin, 'GET', '/apis/batch/v1/namespaces/default/cronjobs/nope');
    assert.deepEqual(missing.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'cronjobs.batch "nope" not found', reason: 'NotFound',
      details: { name: 'nope', group: 'batch', kind: 'cronjobs' }, code: 404,
    });
  });

  it('dryRun=All validates and answers like a create (uid, no resourceVersion) but stores nothing and counts no write', async () => {
    const writes = server.writeCount();
    const response = await request(server, admin, 'POST', '/apis/batch/v1/namespaces/default/cronjobs?dryRun=All', { body: cronJob('rehearsal') });
    assert.equal(response.status, 201);
    assert.ok(response.json().metadata.uid);
    assert.equal(response.json().metadata.resourceVersion, undefined);
    assert.equal(server.store.get('cronjobs', 'default', 'rehearsal'), undefined);
    assert.equal(server.writeCount(), writes);
    const taken = await request(server, admin, 'POST', '/apis/batch/v1/namespaces/default/cronjobs?dryRun=All', { body: cronJob('nightly') });
    assert.equal(taken.status, 409, 'a dry run still sees the name taken');
  });

  it('refuses a dryRun value other than All as invalid CreateOptions', async () => {
    const response = await request(server, admin, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=Some', { body: { metadata: { name: 'x' } } });
    assert.equal(response.status, 422);
    assert.equal(response.json().message, 'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"');
  });

  it('unknown fields: a 400 under fieldValidation=Strict, a Warning header by default, dropped from what is stored either way', async () => {
    const body = { ...cronJob('typo'), spec: { ...cronJob('typo').spec, schedul: '* * * * *' } };
    const strict = await request(server, admin, 'POST', '/apis/batch/v1/namespaces/default/cronjobs?fieldValidation=Strict', { body });
    assert.equal(strict.status, 400);
    assert.equal(strict.json().message, 'CronJob in version "v1" cannot be handled as a CronJob: strict decoding error: unknown field "spec.schedul"');
    const warned = await request(server, admin, 'POST', '/apis/batch/v1/namespaces/default/cronjobs', { body });
    assert.equal(warned.status, 201);
    assert.deepEqual(warned.headers.warning, '299 - "unknown field \\"spec.schedul\\""');
    assert.equal(warned.json().spec.schedul, undefined);
  });

  it('rejects a bad schedule with robfig/cron\'s message, and knows the descriptors and names it accepts', async () => {
    const response = await request(server, admin, 'POST', '/apis/batch/v1/namespaces/default/cronjobs', { body: cronJob('bad', { schedule: '* * * *' }) });
    assert.equal(response.status, 422);
    assert.equal(response.json().message, 'CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]');
    for (const good of ['@daily', '0 */6 * * mon-fri', '5 4 1 jan,jul *', '@every 1h30m', '30 2 * * 0']) assert.equal(scheduleError(good), undefined, good);
    assert.equal(scheduleError('0 0 * * 7'), 'end of range (7) above maximum (6): 7');
    assert.equal(scheduleError('x 0 * * *'), 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax');
    assert.equal(scheduleError('TZ=UTC 0 0 * * *'), 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  });

  it('keeps a binding\'s roleRef: changing it is invalid', async () => {
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
    };
    assert.equal((await request(server, admin, 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings', { body: binding })).status, 201);
    const changed = await request(server, admin, 'PATCH', '/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/b', {
      body: { roleRef: { name: 'edit' } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(changed.status, 422);
    assert.match(changed.json().message, /^RoleBinding\.rbac\.authorization\.k8s\.io "b" is invalid: roleRef: Invalid value: rbac\.RoleRef\{.*Name:"edit"\}: cannot change roleRef$/);
  });

  describe('a ServiceAccount\'s token and RBAC', () => {
    const rbac = '/apis/rbac.authorization.k8s.io/v1';
    let token: string;
    const as = (method: string, path: string) => request(server, { ca: admin.ca }, method, path, { headers: { Authorization: `Bearer ${token}` } });

    before(async () => {
      await request(server, admin, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'ops' } } });
      await request(server, admin, 'POST', '/api/v1/namespaces/ops/serviceaccounts', { body: { metadata: { name: 'bot' } } });
      token = server.serviceAccounts.issueToken('ops', 'bot');
    });

    it('allows nothing until a binding grants it; then exactly the rule\'s verbs, resources and namespace', async () => {
      const forbidden = await as('GET', '/api/v1/namespaces/default/configmaps');
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.json().message, 'configmaps is forbidden: User "system:serviceaccount:ops:bot" cannot list resource "configmaps" in API group "" in the namespace "default"');
      await request(server, admin, 'POST', `${rbac}/clusterroles`, { body: { metadata: { name: 'cm-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] } });
      await request(server, admin, 'POST', `${rbac}/namespaces/default/rolebindings`, {
        body: { metadata: { name: 'bot-reads' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cm-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'ops' }] },
      });
      assert.equal((await as('GET', '/api/v1/namespaces/default/configmaps')).status, 200, 'granted in default by the RoleBinding');
      assert.equal((await as('GET', '/api/v1/namespaces/kube-system/configmaps')).status, 403, 'a RoleBinding grants only in its namespace');
      assert.equal((await as('GET', '/api/v1/namespaces/default/secrets')).status, 403, 'only the resources of the rule');
      const batch = await as('GET', '/apis/batch/v1/namespaces/default/cronjobs');
      assert.equal(batch.json().message, 'cronjobs.batch is forbidden: User "system:serviceaccount:ops:bot" cannot list resource "cronjobs" in API group "batch" in the namespace "default"');
    });

    it('stops authenticating once its ServiceAccount is deleted', async () => {
      assert.equal((await as('GET', '/api/v1/namespaces/default/configmaps')).status, 200);
      await request(server, admin, 'DELETE', '/api/v1/namespaces/ops/serviceaccounts/bot');
      assert.equal((await as('GET', '/api/v1/namespaces/default/configmaps')).status, 401);
    });
  });

  it('gives every namespace a default ServiceAccount', async () => {
    const watching = watchUntil(server, admin, '/api/v1/namespaces/fresh/serviceaccounts?watch=true', (event) => event.object.metadata.name === 'default');
    await request(server, admin, 'POST', '/api/v1/namespaces', { body: { metadata: { name: 'fresh' } } });
    assert.equal((await watching).match.type, 'ADDED');
  });
});
