import assert from 'node:assert/strict';
import https from 'node:https';
import { describe, it } from 'node:test';
import type { RunningK3sServer } from '../../../lab/k3s';
import { nginxPod, request, useTestServer, watchUntil, type Credentials } from './lab-client';

describe('Kubernetes API (kube-apiserver behaviour)', () => {
  let server: RunningK3sServer;
  let admin: Credentials;
  useTestServer((lab) => ({ server, admin } = lab));

  it('serves /version as k3s v1.34.3+k3s1', async () => {
    const version = (await request(server, admin, 'GET', '/version')).json();
    assert.equal(version.gitVersion, 'v1.34.3+k3s1');
    assert.equal(version.minor, '34');
    assert.equal(version.platform, 'linux/amd64');
  });

  it('serves discovery for core/v1 with short names no, po, ev, ns', async () => {
    assert.deepEqual((await request(server, admin, 'GET', '/api')).json().versions, ['v1']);
    assert.equal((await request(server, admin, 'GET', '/apis')).json().kind, 'APIGroupList');
    const resources = (await request(server, admin, 'GET', '/api/v1')).json().resources as Array<{ name: string; shortNames?: string[]; verbs: string[] }>;
    for (const [name, short] of [['nodes', 'no'], ['pods', 'po'], ['events', 'ev'], ['namespaces', 'ns']]) {
      assert.ok(resources.find((r) => r.name === name)?.shortNames?.includes(short), name);
    }
    assert.ok(resources.find((r) => r.name === 'pods/binding'));
    assert.ok(resources.find((r) => r.name === 'pods')!.verbs.includes('watch'));
  });

  it('answers health checks with "ok" and the k3s /ping with "pong"', async () => {
    for (const path of ['/healthz', '/readyz', '/livez']) assert.equal((await request(server, admin, 'GET', path)).body, 'ok');
    assert.equal((await request(server, { ca: admin.ca }, 'GET', '/ping')).body, 'pong');
  });

  it('answers a request without a client certificate with 401 Unauthorized (k3s runs with anonymous-auth=false)', async () => {
    const response = await request(server, { ca: admin.ca }, 'GET', '/api/v1/pods');
    assert.equal(response.status, 401);
    assert.deepEqual(response.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('starts with the four namespaces of a k3s server', async () => {
    const names = (await request(server, admin, 'GET', '/api/v1/namespaces')).json().items.map((n: any) => n.metadata.name);
    assert.deepEqual(names.sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('lists with kind <Kind>List, the global resourceVersion, and items without kind', async () => {
    const list = (await request(server, admin, 'GET', '/api/v1/pods?labelSelector=k8s-app%20in%20(kube-dns,metrics-server)')).json();
    assert.equal(list.kind, 'PodList');
    assert.equal(list.apiVersion, 'v1');
    assert.ok(Number(list.metadata.resourceVersion) > 0);
    assert.equal(list.items.length, 2);
    assert.equal(list.items[0].kind, undefined);
    assert.ok(list.items.every((pod: any) => /^(coredns|metrics-server)-[a-z0-9]+-[a-z0-9]{5}$/.test(pod.metadata.name)));
  });

  it('answers a missing pod with the exact 404 NotFound Status', async () => {
    const response = await request(server, admin, 'GET', '/api/v1/namespaces/default/pods/x');
    assert.equal(response.status, 404);
    assert.deepEqual(response.json(), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', details: { name: 'x', kind: 'pods' }, code: 404,
    });
  });

  it('answers an unknown path with 404 "the server could not find the requested resource"', async () => {
    const response = await request(server, admin, 'GET', '/api/v1/widgets');
    assert.equal(response.status, 404);
    assert.equal(response.json().message, 'the server could not find the requested resource');
  });

  it('answers a method a resource does not have with 405 MethodNotAllowed', async () => {
    const response = await request(server, admin, 'POST', '/api/v1/nodes/k3s-master', { body: {} });
    assert.equal(response.status, 405);
    assert.equal(response.json().reason, 'MethodNotAllowed');
  });

  it('rejects a pod without containers with 422 "spec.containers: Required value"', async () => {
    const response = await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: 'empty' }, spec: { containers: [] } } });
    assert.equal(response.status, 422);
    assert.equal(response.json().message, 'Pod "empty" is invalid: spec.containers: Required value');
    assert.equal(response.json().details.causes[0].field, 'spec.containers');
  });

  it('rejects a name that is not a DNS-1123 subdomain with 422 Invalid', async () => {
    const response = await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: nginxPod('Bad_Name') });
    assert.equal(response.status, 422);
    assert.match(response.json().message, /^Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });

  it('creates with generateName, uid, defaults and 201; a second create of the name is 409 AlreadyExists', async () => {
    const created = await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: { metadata: { generateName: 'gen-' }, spec: { containers: [{ name: 'c', image: 'nginx:alpine' }], schedulerName: 'none' } } });
    assert.equal(created.status, 201);
    const pod = created.json();
    assert.match(pod.metadata.name, /^gen-[a-z0-9]{5}$/);
    assert.equal(pod.kind, 'Pod');
    assert.equal(pod.spec.restartPolicy, 'Always');
    assert.equal(pod.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.equal(pod.status.phase, 'Pending');
    const again = await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: { metadata: { name: pod.metadata.name }, spec: pod.spec } });
    assert.equal(again.status, 409);
    assert.equal(again.json().message, `pods "${pod.metadata.name}" already exists`);
  });

  it('rejects a PUT with a stale resourceVersion with 409 Conflict', async () => {
    const created = (await request(server, admin, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name: 'settings' }, data: { a: '1' } } })).json();
    const first = await request(server, admin, 'PUT', '/api/v1/namespaces/default/configmaps/settings', { body: { ...created, data: { a: '2' } } });
    assert.equal(first.status, 200);
    const stale = await request(server, admin, 'PUT', '/api/v1/namespaces/default/configmaps/settings', { body: { ...created, data: { a: '3' } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json().reason, 'Conflict');
    assert.equal(stale.json().message, 'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('patches with merge, strategic merge and JSON patch content types', async () => {
    const path = '/api/v1/namespaces/default/configmaps/settings';
    await request(server, admin, 'PATCH', path, { body: { metadata: { labels: { a: 'b' } } }, contentType: 'application/merge-patch+json' });
    await request(server, admin, 'PATCH', path, { body: { data: { b: '2' } }, contentType: 'application/strategic-merge-patch+json' });
    const result = await request(server, admin, 'PATCH', path, { body: [{ op: 'add', path: '/data/c', value: '3' }], contentType: 'application/json-patch+json' });
    assert.deepEqual(result.json().data, { a: '2', b: '2', c: '3' });
    assert.deepEqual(result.json().metadata.labels, { a: 'b' });
  });

  it('answers kubectl\'s Table request for nodes with the NAME STATUS ROLES AGE VERSION columns', async () => {
    const table = (await request(server, admin, 'GET', '/api/v1/nodes', { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } })).json();
    assert.equal(table.kind, 'Table');
    assert.deepEqual(table.columnDefinitions.filter((c: any) => c.priority === 0).map((c: any) => c.name), ['Name', 'Status', 'Roles', 'Age', 'Version']);
    const [name, status, roles, , version] = table.rows[0].cells;
    assert.deepEqual([name, status, roles, version], ['k3s-master', 'Ready', 'control-plane,master', 'v1.34.3+k3s1']);
  });

  it('puts the full object, its metadata or nothing in Table rows as ?includeObject= asks (default Metadata)', async () => {
    const accept = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
    const byDefault = await request(server, admin, 'GET', '/api/v1/nodes', { headers: accept });
    assert.equal(byDefault.headers['content-type'], 'application/json;as=Table;v=v1;g=meta.k8s.io');
    assert.equal(byDefault.json().rows[0].object.kind, 'PartialObjectMetadata');
    const full = (await request(server, admin, 'GET', '/api/v1/nodes?includeObject=Object', { headers: accept })).json();
    assert.deepEqual([full.rows[0].object.kind, full.rows[0].object.status.nodeInfo.kubeletVersion], ['Node', 'v1.34.3+k3s1']);
    const none = (await request(server, admin, 'GET', '/api/v1/nodes?includeObject=None', { headers: accept })).json();
    assert.equal('object' in none.rows[0], false);
  });

  it('lists in storage key order (namespace, then name), as etcd returns a range', async () => {
    for (const name of ['zz', 'aa', 'mm']) await request(server, admin, 'POST', '/api/v1/namespaces/default/configmaps', { body: { metadata: { name } } });
    const names = (await request(server, admin, 'GET', '/api/v1/configmaps')).json().items.map((c: any) => `${c.metadata.namespace}/${c.metadata.name}`);
    assert.deepEqual(names, [...names].sort());
  });

  it('serves the OpenAPI v3 index and a core/v1 document whose PATCH operations accept fieldValidation', async () => {
    const index = (await request(server, admin, 'GET', '/openapi/v3')).json();
    const url = index.paths['api/v1'].serverRelativeURL as string;
    assert.match(url, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    const document = (await request(server, admin, 'GET', url)).json();
    const patch = document.paths['/api/v1/namespaces/{namespace}/pods/{name}'].patch;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
    assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation' && p.in === 'query'));
    assert.equal((await request(server, admin, 'GET', '/openapi/v3/apis/networking.k8s.io/v1')).status, 404);
  });

  it('counts mutating requests for "no writes" proofs', async () => {
    const before = server.writeCount();
    await request(server, admin, 'GET', '/api/v1/pods');
    assert.equal(server.writeCount(), before);
    await request(server, admin, 'PATCH', '/api/v1/namespaces/default/configmaps/settings', { body: { data: { d: '4' } }, contentType: 'application/merge-patch+json' });
    assert.equal(server.writeCount(), before + 1);
    assert.equal(server.writes().at(-1)!.user, 'system:admin');
  });

  describe('watch', () => {
    it('streams ADDED for current objects when no resourceVersion is given, then changes', async () => {
      const { seen } = await watchUntil(server, admin, '/api/v1/namespaces?watch=true', (e) => e.object.metadata.name === 'kube-node-lease');
      assert.ok(seen.every((e) => e.type === 'ADDED' && e.object.kind === 'Namespace'));
    });

    it('answers a resourceVersion older than the event window with an ERROR event, 410 Expired (watch cache)', async () => {
      // Push version 1 out of the retained window (1000 events), as a busy cluster does within minutes.
      for (let index = 0; index < 1001; index += 1) server.store.create('configmaps', { metadata: { name: `filler-${index}`, namespace: 'kube-public' } });
      const { match } = await watchUntil(server, admin, '/api/v1/pods?watch=true&resourceVersion=1', (e) => e.type === 'ERROR');
      assert.equal(match.object.code, 410);
      assert.equal(match.object.reason, 'Expired');
      assert.match(match.object.message, /^too old resource version: 1 \(\d+\)$/);
    });

    it('applies field selectors to transitions: a pod bound to a node arrives as ADDED on that node\'s watch', async () => {
      const list = (await request(server, admin, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dk3s-master')).json();
      const watching = watchUntil(server, admin, `/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dk3s-master&resourceVersion=${list.metadata.resourceVersion}`,
        (e) => e.object.metadata.name === 'bound-later');
      await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: nginxPod('bound-later') });
      const { match } = await watching;
      assert.equal(match.type, 'ADDED');
      assert.equal(match.object.spec.nodeName, 'k3s-master');
    });

    it('dropWatches() resets every open stream mid-response and says how many it ended', async () => {
      const open = () => new Promise<{ ended: Promise<boolean> }>((ready, fail) => {
        const req = https.request({ host: '127.0.0.1', port: server.loopbackPort, path: '/api/v1/namespaces?watch=true', ca: admin.ca, cert: admin.cert, key: admin.key, timeout: 10_000 }, (res) => {
          // Resolves with whether the chunked body was complete: false when the connection was cut.
          const ended = new Promise<boolean>((done) => res.on('close', () => done(res.complete)));
          res.on('error', () => undefined);
          res.once('data', () => ready({ ended }));
        });
        req.on('error', () => undefined);
        req.on('timeout', () => fail(new Error('no watch event')));
        req.end();
      });
      const watches = [await open(), await open()];
      assert.equal(server.dropWatches(), 2);
      assert.deepEqual(await Promise.all(watches.map((w) => w.ended)), [false, false]);
      assert.equal(server.dropWatches(), 0);
    });

    it('answers kubectl get -w with one-row Tables, the column definitions only in the first event', async () => {
      const list = (await request(server, admin, 'GET', '/api/v1/namespaces')).json();
      const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io';
      const watching = watchUntil(server, admin, `/api/v1/namespaces?watch=true&resourceVersion=${list.metadata.resourceVersion}`, (e) => e.object.rows?.[0]?.cells[0] === 'watched-2', 10_000, { Accept: accept });
      for (const name of ['watched-1', 'watched-2']) await request(server, admin, 'POST', '/api/v1/namespaces', { body: { metadata: { name } } });
      const { seen } = await watching;
      assert.deepEqual(seen.map((e) => [e.type, e.object.kind, e.object.rows[0].cells.slice(0, 2)]), [['ADDED', 'Table', ['watched-1', 'Active']], ['ADDED', 'Table', ['watched-2', 'Active']]]);
      assert.deepEqual(seen.map((e) => e.object.columnDefinitions?.map((c: any) => c.name) ?? null), [['Name', 'Status', 'Age'], null]);
    });

    it('closes the stream after timeoutSeconds', async () => {
      await assert.rejects(watchUntil(server, admin, '/api/v1/namespaces?watch=true&timeoutSeconds=0', () => false), /ended before the expected event/);
    });
  });

  describe('graceful pod deletion (pod registry + kubelet)', () => {
    it('deletes an unbound pod at once and returns it', async () => {
      await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: nginxPod('unbound', { schedulerName: 'nobody' }) });
      const deleted = await request(server, admin, 'DELETE', '/api/v1/namespaces/default/pods/unbound');
      assert.equal(deleted.status, 200);
      assert.equal(deleted.json().metadata.name, 'unbound');
      assert.equal((await request(server, admin, 'GET', '/api/v1/namespaces/default/pods/unbound')).status, 404);
    });

    it('marks a bound pod with deletionTimestamp, and the kubelet finishes the deletion', async () => {
      const pod = (await request(server, admin, 'GET', '/api/v1/namespaces/default/pods/bound-later')).json();
      assert.equal(pod.spec.nodeName, 'k3s-master');
      const deleted = (await request(server, admin, 'DELETE', '/api/v1/namespaces/default/pods/bound-later')).json();
      assert.ok(deleted.metadata.deletionTimestamp);
      assert.equal(deleted.metadata.deletionGracePeriodSeconds, 30);
      await watchUntil(server, admin, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${deleted.metadata.resourceVersion}`,
        (e) => e.type === 'DELETED' && e.object.metadata.name === 'bound-later');
    });
  });
});
