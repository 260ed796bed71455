import assert from 'node:assert/strict';
import { createHash, randomBytes, scryptSync, X509Certificate } from 'node:crypto';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { nodePasswordSecretName } from '../../../lab/contracts/k3s-join';
import { startK3sServer, type RunningK3sServer } from '../../../lab/k3s';
import { caBundleHash } from '../../../lab/pki/certificates';
import { ObjectStore } from '../../../lab/k3s/apiserver/object-store';
import { NodePasswordController } from '../../../lab/k3s/server/node-password-controller';
import { LabTiming } from '../../../lab/timing';
import { healthyNodeConditions } from '../../../lab/k3s/server/server-node';
import { VirtualNetwork } from '../../../lab/net/virtual-network';
import { adminCredentials, nginxPod, request, startTestServer, watchUntil, type Credentials } from './lab-client';

/** GET on the server's virtual address, as an agent does over the lab network. */
function agentGet(network: VirtualNetwork, url: string, options: { ca?: string; auth?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; contentType?: string }> {
  const target = new URL(url);
  const port = network.resolve(target.hostname, Number(target.port));
  return new Promise((resolve, reject) => {
    https.get({
      host: '127.0.0.1', port, path: target.pathname, servername: undefined,
      ...(options.ca ? { ca: options.ca, checkServerIdentity: () => undefined } : { rejectUnauthorized: false }),
      headers: { ...(options.auth ? { Authorization: `Basic ${Buffer.from(options.auth).toString('base64')}` } : {}), ...options.headers },
    }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, contentType: res.headers['content-type'] }));
    }).on('error', reject);
  });
}

/** A hash in k3s's own format, computed here as pkg/authenticator/hash/scrypt.go does (N=2^15, r=8, p=1, 64 bytes). */
function k3sHash(password: string): string {
  const salt = randomBytes(8);
  const key = scryptSync(password, salt, 64, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return `$1:${salt.toString('hex')}:15:8:1:${key.toString('base64').replace(/=+$/, '')}`;
}

function workerNode(name: string, ready: boolean) {
  // The story's worker: 4 vCPU, 8 GB.
  const capacity = { cpu: '4', memory: '8Gi', pods: '110' };
  const conditions = healthyNodeConditions();
  if (!ready) Object.assign(conditions[3], { status: 'False', reason: 'KubeletNotReady', message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized' });
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
    spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] },
    status: { capacity, allocatable: capacity, conditions, addresses: [{ type: 'InternalIP', address: '192.168.2.21' }, { type: 'Hostname', address: name }] },
  };
}

describe('agent join over the k3s supervisor protocol (lab/contracts/k3s-join.ts)', () => {
  let server: RunningK3sServer;
  let network: VirtualNetwork;
  let admin: Credentials;
  let kubelet: Credentials;
  const password = () => server.token.split(':').pop()!;

  before(async () => {
    ({ server, network } = await startTestServer());
    admin = adminCredentials(server);
  });
  after(() => server.stop());

  it('admits a token to /v1-k3s/readyz only as it admits an agent\'s bootstrap: 403 without credentials, 401 with a wrong password, "ok" with the token\'s (pkg/server/handlers/router.go, auth.HasRole)', async () => {
    const url = `${server.url}/v1-k3s/readyz`;
    const none = await agentGet(network, url);
    assert.deepEqual([none.status, JSON.parse(none.body).message], [403, 'forbidden']);
    const wrong = await agentGet(network, url, { auth: 'node:not-the-password' });
    assert.deepEqual([wrong.status, JSON.parse(wrong.body).message], [401, 'not authorized']);
    const right = await agentGet(network, url, { auth: `node:${password()}` });
    assert.deepEqual([right.status, right.body], [200, 'ok']);
  });

  it('serves the CA bundle at /cacerts whose sha256 is the hash pinned by the K10 token', async () => {
    const response = await agentGet(network, `${server.url}/cacerts`);
    assert.equal(response.status, 200);
    assert.equal(response.body, server.caBundlePem);
    const [, hash] = /^K10([0-9a-f]{64})::server:[0-9a-f]+$/.exec(server.token)!;
    assert.equal(createHash('sha256').update(response.body).digest('hex'), hash);
  });

  it('answers a wrong token password with 401 Unauthorized (agent: "Waiting to retrieve agent configuration")', async () => {
    const response = await agentGet(network, `${server.url}/v1-k3s/client-kubelet.crt`, {
      ca: server.caBundlePem, auth: 'server:wrong', headers: { 'K3s-Node-Name': 'k3s-worker-01', 'K3s-Node-Password': 'p1' },
    });
    assert.equal(response.status, 401);
    assert.deepEqual(JSON.parse(response.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'not authorized', reason: 'Unauthorized', code: 401 });
  });

  describe('GET /v1-k3s/readyz, read-only behind the role check of an agent\'s bootstrap (pkg/server/handlers/router.go, auth.HasRole k3s:agent)', () => {
    const readyz = (auth?: string) => agentGet(network, `${server.url}/v1-k3s/readyz`, { ca: server.caBundlePem, ...(auth ? { auth } : {}) });
    const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });

    it('answers 200 "ok" to node:<password>, the user every agent authenticates as (clientaccess.WithUser("node"))', async () => {
      const response = await readyz(`node:${password()}`);
      assert.deepEqual([response.status, response.body], [200, 'ok']);
    });

    it('answers 403 "forbidden" without credentials', async () => {
      const response = await readyz();
      assert.equal(response.status, 403);
      assert.deepEqual(JSON.parse(response.body), status(403, 'Forbidden', 'forbidden'));
    });

    it('answers 401 "not authorized" to a wrong password (basic auth error: not authorized)', async () => {
      const response = await readyz('node:not-the-password');
      assert.equal(response.status, 401);
      assert.deepEqual(JSON.parse(response.body), status(401, 'Unauthorized', 'not authorized'));
    });

    it('answers 403 "forbidden" to server:<password>: the server user is in k3s:server, not k3s:agent', async () => {
      const response = await readyz(`server:${password()}`);
      assert.equal(response.status, 403);
      assert.deepEqual(JSON.parse(response.body), status(403, 'Forbidden', 'forbidden'));
    });

    it('serves the other read-only routes of that router the same way: server-ca.crt, client-ca.crt, apiservers', async () => {
      const get = (path: string) => agentGet(network, `${server.url}${path}`, { ca: server.caBundlePem, auth: `node:${password()}` });
      assert.equal((await get('/v1-k3s/server-ca.crt')).body, server.caBundlePem);
      assert.match((await get('/v1-k3s/client-ca.crt')).body, /^-----BEGIN CERTIFICATE-----/);
      assert.deepEqual(JSON.parse((await get('/v1-k3s/apiservers')).body), ['192.168.2.20:6443']);
    });
  });

  it('issues a kubelet client certificate for a bare-password token and records the node password secret', async () => {
    const response = await agentGet(network, `${server.url}/v1-k3s/client-kubelet.crt`, {
      ca: server.caBundlePem, auth: `node:${password()}`, headers: { 'K3s-Node-Name': 'k3s-worker-01', 'K3s-Node-Password': 'p1' },
    });
    assert.equal(response.status, 200);
    const [cert] = response.body.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/)!;
    const [key] = response.body.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/)!;
    kubelet = { ca: server.caBundlePem, cert, key };
    const secret = server.store.get('secrets', 'kube-system', nodePasswordSecretName('k3s-worker-01'));
    assert.ok(secret, 'node password secret created on first join');
    assert.equal(secret.type, 'k3s.cattle.io/node-password');
    assert.match(Buffer.from((secret.data as { hash: string }).hash, 'base64').toString(), /^\$1:[0-9a-f]{16}:15:8:1:[A-Za-z0-9+/]{86}$/);
  });

  it('rejects the same hostname with another node password: 403 Status "unable to verify password ... hash does not match" (k3s pkg/nodepassword)', async () => {
    const response = await agentGet(network, `${server.url}/v1-k3s/client-kubelet.crt`, {
      ca: server.caBundlePem, auth: `node:${password()}`, headers: { 'K3s-Node-Name': 'k3s-worker-01', 'K3s-Node-Password': 'other' },
    });
    assert.equal(response.status, 403);
    assert.equal(response.contentType, 'application/json');
    assert.deepEqual(JSON.parse(response.body), {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'unable to verify password for node k3s-worker-01: hash does not match', reason: 'Forbidden', code: 403,
    });
  });

  it('rejects a hostname whose pre-existing node-password secret holds another machine\'s hash, and leaves the secret alone', async () => {
    const name = nodePasswordSecretName('k3s-worker-02');
    const hash = Buffer.from(k3sHash('the-old-machine')).toString('base64');
    const created = await request(server, admin, 'POST', '/api/v1/namespaces/kube-system/secrets', {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'k3s.cattle.io/node-password', immutable: true, data: { hash } },
    });
    assert.equal(created.status, 201, created.body);
    const response = await agentGet(network, `${server.url}/v1-k3s/client-kubelet.crt`, {
      ca: server.caBundlePem, auth: `node:${password()}`, headers: { 'K3s-Node-Name': 'k3s-worker-02', 'K3s-Node-Password': 'the-new-machine' },
    });
    assert.equal(response.status, 403);
    assert.equal(JSON.parse(response.body).message, 'unable to verify password for node k3s-worker-02: hash does not match');
    assert.equal((server.store.get('secrets', 'kube-system', name)!.data as { hash: string }).hash, hash);
  });

  it('accepts a pre-existing secret in k3s\'s hash format when the password matches (the same machine re-joining)', async () => {
    await request(server, admin, 'POST', '/api/v1/namespaces/kube-system/secrets', {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: nodePasswordSecretName('k3s-worker-03') }, type: 'k3s.cattle.io/node-password', data: { hash: Buffer.from(k3sHash('same-machine')).toString('base64') } },
    });
    const response = await agentGet(network, `${server.url}/v1-k3s/client-kubelet.crt`, {
      ca: server.caBundlePem, auth: `node:${password()}`, headers: { 'K3s-Node-Name': 'k3s-worker-03', 'K3s-Node-Password': 'same-machine' },
    });
    assert.equal(response.status, 200, response.body);
  });

  it('lets the kubelet register its Node, which carries the not-ready taint until Ready', async () => {
    const created = await request(server, kubelet, 'POST', '/api/v1/nodes', { body: workerNode('k3s-worker-01', false) });
    assert.equal(created.status, 201);
    assert.equal(created.json().spec.podCIDR, '10.42.1.0/24');
    const { match } = await watchUntil(server, admin, '/api/v1/nodes?watch=true&fieldSelector=metadata.name%3Dk3s-worker-01',
      (e) => (e.object.spec.taints ?? []).some((t: any) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoExecute'));
    assert.ok(match.object.spec.taints.some((t: any) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoSchedule'));
  });

  it('forbids the kubelet from writing another node (Node authorizer)', async () => {
    const response = await request(server, kubelet, 'PATCH', '/api/v1/nodes/k3s-master/status', { body: { status: {} }, contentType: 'application/merge-patch+json' });
    assert.equal(response.status, 403);
    assert.equal(response.json().message, 'nodes "k3s-master" is forbidden: User "system:node:k3s-worker-01" cannot patch resource "nodes/status" in API group "" at the cluster scope');
  });

  it('reports FailedScheduling with kube-scheduler\'s message when no node fits (a not-ready node and too little cpu)', async () => {
    await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', {
      body: nginxPod('huge', { containers: [{ name: 'nginx', image: 'nginx:alpine', resources: { requests: { cpu: '100' } } }] }),
    });
    const { match } = await watchUntil(server, admin, '/api/v1/namespaces/default/events?watch=true&fieldSelector=involvedObject.name%3Dhuge',
      (e) => e.object.reason === 'FailedScheduling');
    assert.equal(match.object.type, 'Warning');
    assert.equal(match.object.message, '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. '
      + 'no new claims to deallocate, preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.');
    const pod = (await request(server, admin, 'GET', '/api/v1/namespaces/default/pods/huge')).json();
    assert.deepEqual([pod.status.phase, pod.status.conditions[0].reason, pod.status.conditions[0].message], ['Pending', 'Unschedulable', match.object.message]);
  });

  it('schedules a new pod onto the Ready agent because it is less allocated than the server (LeastAllocated)', async () => {
    const ready = await request(server, kubelet, 'PATCH', '/api/v1/nodes/k3s-worker-01/status', {
      body: { status: { conditions: healthyNodeConditions() } }, contentType: 'application/strategic-merge-patch+json',
    });
    assert.equal(ready.status, 200);
    await watchUntil(server, admin, '/api/v1/nodes?watch=true&fieldSelector=metadata.name%3Dk3s-worker-01', (e) => !(e.object.spec.taints ?? []).length);
    await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: nginxPod('web') });
    const { match } = await watchUntil(server, kubelet, '/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dk3s-worker-01', (e) => e.object.metadata.name === 'web');
    assert.equal(match.type, 'ADDED');
    const events = (await request(server, admin, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb')).json().items;
    const scheduled = events.find((e: any) => e.reason === 'Scheduled');
    assert.equal(scheduled.message, 'Successfully assigned default/web to k3s-worker-01');
    assert.equal(scheduled.source.component, 'default-scheduler');
  });

  it('lets the kubelet report its pod\'s status and finish a graceful deletion with gracePeriodSeconds=0', async () => {
    const status = await request(server, kubelet, 'PATCH', '/api/v1/namespaces/default/pods/web/status', {
      body: { status: { phase: 'Running', podIP: '10.42.1.2' } }, contentType: 'application/merge-patch+json',
    });
    assert.equal(status.status, 200, status.body);
    const terminating = (await request(server, admin, 'DELETE', '/api/v1/namespaces/default/pods/web')).json();
    assert.ok(terminating.metadata.deletionTimestamp);
    const finished = await request(server, kubelet, 'DELETE', '/api/v1/namespaces/default/pods/web?gracePeriodSeconds=0', {
      body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: terminating.metadata.uid } },
    });
    assert.equal(finished.status, 200, finished.body);
    assert.equal((await request(server, admin, 'GET', '/api/v1/namespaces/default/pods/web')).status, 404);
  });

  it('gives the node-password secret an ownerReference to its Node, and rejects a new machine under that hostname while the Node exists (pkg/nodepassword controller.go onChangeNode)', async () => {
    const node = server.store.get('nodes', undefined, 'k3s-worker-01')!;
    const { match } = await watchUntil(server, admin, `/api/v1/namespaces/kube-system/secrets?watch=true&fieldSelector=metadata.name%3D${nodePasswordSecretName('k3s-worker-01')}`,
      (e) => (e.object.metadata.ownerReferences ?? []).length > 0);
    assert.deepEqual(match.object.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'k3s-worker-01', uid: node.metadata.uid }]);
    const rebuilt = await agentGet(network, `${server.url}/v1-k3s/client-kubelet.crt`, {
      ca: server.caBundlePem, auth: `node:${password()}`, headers: { 'K3s-Node-Name': 'k3s-worker-01', 'K3s-Node-Password': 'a-new-container' },
    });
    assert.equal(rebuilt.status, 403);
    assert.equal(JSON.parse(rebuilt.body).message, 'unable to verify password for node k3s-worker-01: hash does not match');
  });

  it('forgets the node password when the Node is deleted (garbage collector, through the ownerReference), so the hostname can join again', async () => {
    const from = server.store.resourceVersion;
    await request(server, admin, 'DELETE', '/api/v1/nodes/k3s-worker-01');
    await watchUntil(server, admin, `/api/v1/namespaces/kube-system/secrets?watch=true&resourceVersion=${from}`,
      (e) => e.type === 'DELETED' && e.object.metadata.name === nodePasswordSecretName('k3s-worker-01'));
    const rejoin = await agentGet(network, `${server.url}/v1-k3s/client-kubelet.crt`, {
      ca: server.caBundlePem, auth: `node:${password()}`, headers: { 'K3s-Node-Name': 'k3s-worker-01', 'K3s-Node-Password': 'new' },
    });
    assert.equal(rejoin.status, 200);
  });
});

describe('orphaned node-password secrets (pkg/nodepassword controller.go sync, MinOrphanSecretAge 10 minutes)', () => {
  it('deletes a node-password secret whose machine never registered a Node once it is 10 minutes old (scaled, never under 30 s), and keeps younger ones and those of existing Nodes', () => {
    const store = new ObjectStore();
    const secret = (node: string) => ({ metadata: { name: nodePasswordSecretName(node), namespace: 'kube-system' }, type: 'k3s.cattle.io/node-password', data: { hash: '' } });
    store.create('secrets', secret('never-joined'));
    store.create('secrets', secret('k3s-worker-01'));
    store.create('nodes', { metadata: { name: 'k3s-worker-01' } });
    let later = 0;
    const controller = new NodePasswordController(store, new LabTiming(0), () => Date.now() + later);
    try {
      later = 29_000;
      controller.collectOrphans();
      assert.ok(store.get('secrets', 'kube-system', nodePasswordSecretName('never-joined')), 'younger than the (floored) age: kept');
      later = 31_000;
      controller.collectOrphans();
      assert.equal(store.get('secrets', 'kube-system', nodePasswordSecretName('never-joined')), undefined);
      assert.ok(store.get('secrets', 'kube-system', nodePasswordSecretName('k3s-worker-01')), 'its Node exists: kept');
    } finally {
      controller.stop();
    }
  });
});

describe('a custom CA bundle at /cacerts (--k3s-ca bundle, as after k3s certificate rotate-ca with a custom CA)', () => {
  let server: RunningK3sServer;
  let network: VirtualNetwork;
  before(async () => {
    network = new VirtualNetwork();
    server = await startK3sServer({ network, timing: new LabTiming(0), ca: 'bundle' });
  });
  after(() => server.stop());

  it('serves the server CA (an intermediate) followed by its root, and pins the root\'s DER in the token (clientaccess hashCA)', async () => {
    const response = await agentGet(network, `${server.url}/cacerts`);
    const pems = response.body.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    assert.equal(pems.length, 2);
    const [intermediate, root] = pems.map((pem) => new X509Certificate(pem));
    assert.ok(intermediate.checkIssued(root) && root.checkIssued(root), 'intermediate signed by a self-signed root');
    const [, hash] = /^K10([0-9a-f]{64})::server:/.exec(server.token)!;
    assert.equal(hash, createHash('sha256').update(root.raw).digest('hex'));
    assert.notEqual(hash, createHash('sha256').update(response.body).digest('hex'), 'not the hash of the bundle\'s bytes');
  });

  it('keeps the one-certificate rule for a single CA: the sha256 of the file\'s bytes', () => {
    const single = `${server.caBundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)![1]}\n`;
    assert.equal(caBundleHash(single), createHash('sha256').update(single).digest('hex'));
  });

  it('issues a kubelet certificate over TLS verified against the bundle', async () => {
    const password = server.token.split(':').pop()!;
    const response = await agentGet(network, `${server.url}/v1-k3s/client-kubelet.crt`, {
      ca: server.caBundlePem, auth: `node:${password}`, headers: { 'K3s-Node-Name': 'k3s-worker-09', 'K3s-Node-Password': 'pw' },
    });
    assert.equal(response.status, 200, response.body);
  });
});
