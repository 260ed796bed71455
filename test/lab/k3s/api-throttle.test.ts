import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { RunningK3sServer } from '../../../lab/k3s';
import type { VirtualNetwork } from '../../../lab/net/virtual-network';
import { adminCredentials, joinAgentNode, nginxPod, request, startTestServer, type Credentials } from './lab-client';

// kube-apiserver 1.34, staging/src/k8s.io/apiserver/pkg/server/filters: APF rejects with maxinflight.go's
// tooManyRequests (http.Error, plain text); the shutdown wait group writes waitgroup.go's Status.
const TOO_MANY = 'Too many requests, please try again later.\n';
const SHUTTING_DOWN = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'apiserver is shutting down', reason: 'ServiceUnavailable', code: 503 };

describe('faults.throttle: an overloaded (429) or shutting-down (503) apiserver', () => {
  let server: RunningK3sServer;
  let network: VirtualNetwork;
  let admin: Credentials;
  let agent: { kubelet: Credentials; stop(): void };
  const anonymous = () => ({ ca: server.caBundlePem });

  before(async () => {
    ({ server, network } = await startTestServer());
    admin = adminCredentials(server);
    agent = await joinAgentNode(server, network, 'k3s-worker-01', '192.168.2.21');
  });
  afterEach(() => server.faults.clear());
  after(async () => {
    agent.stop();
    await server.stop();
  });

  it('is inert until armed', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await request(server, admin, 'GET', '/api/v1/namespaces')).status, 200);
  });

  it('answers 429 as API Priority and Fairness rejects: plain text, Retry-After: 1, the matched FlowSchema/PriorityLevel UIDs', async () => {
    server.faults.throttle(429, 1);
    const response = await request(server, admin, 'GET', '/api/v1/namespaces/default/pods');
    assert.equal(response.status, 429);
    assert.equal(response.body, TOO_MANY);
    assert.equal(response.headers['retry-after'], '1');
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.match(String(response.headers['x-kubernetes-pf-flowschema-uid']), /^[0-9a-f-]{36}$/);
    assert.match(String(response.headers['x-kubernetes-pf-prioritylevel-uid']), /^[0-9a-f-]{36}$/);
  });

  it('answers 503 as the apiserver does while it shuts down: Status ServiceUnavailable, Retry-After: 1', async () => {
    server.faults.throttle(503, 1);
    const response = await request(server, admin, 'GET', '/api/v1/namespaces/default/pods');
    assert.equal(response.status, 503);
    assert.deepEqual(response.json(), SHUTTING_DOWN);
    assert.equal(response.body.endsWith('}\n'), true);
    assert.equal(response.headers['retry-after'], '1');
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  it('refuses exactly `count` requests, then serves again', async () => {
    server.faults.throttle(429, 2);
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await request(server, admin, 'GET', '/api/v1/namespaces')).status);
    assert.deepEqual(codes, [429, 429, 200, 200]);
  });

  it('refuses watch requests too', async () => {
    server.faults.throttle(503, 1);
    const response = await request(server, admin, 'GET', '/api/v1/namespaces/default/pods?watch=true');
    assert.equal(response.status, 503);
    assert.equal(response.json().reason, 'ServiceUnavailable');
  });

  it('does not apply a refused write, nor count it in writeCount', async () => {
    const writes = server.writeCount();
    server.faults.throttle(429, 1);
    const refused = await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: nginxPod('refused') });
    assert.equal(refused.status, 429);
    assert.equal(server.writeCount(), writes);
    assert.equal(server.store.get('pods', 'default', 'refused'), undefined);
  });

  it('lets the cluster\'s own nodes through without using up the count (the lab\'s kubelets do not retry)', async () => {
    server.faults.throttle(429, 1);
    assert.equal((await request(server, agent.kubelet, 'GET', '/api/v1/nodes/k3s-worker-01')).status, 200);
    assert.equal((await request(server, agent.kubelet, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dk3s-worker-01')).status, 200);
    assert.equal((await request(server, admin, 'GET', '/api/v1/nodes')).status, 429);
    assert.equal((await request(server, admin, 'GET', '/api/v1/nodes')).status, 200);
  });

  it('keeps answering health probes and the k3s supervisor, without using up the count', async () => {
    server.faults.throttle(503, 1);
    for (const path of ['/healthz', '/readyz', '/livez']) {
      const probe = await request(server, admin, 'GET', path);
      assert.deepEqual([path, probe.status, probe.body], [path, 200, 'ok']);
    }
    const cacerts = await request(server, anonymous(), 'GET', '/cacerts');
    assert.deepEqual([cacerts.status, cacerts.body], [200, server.caBundlePem]);
    assert.equal((await request(server, admin, 'GET', '/version')).status, 503);
  });

  it('checks authentication before APF (429 mode), but not before the shutdown wait group (503 mode)', async () => {
    server.faults.throttle(429, 1);
    assert.equal((await request(server, anonymous(), 'GET', '/api/v1/namespaces')).status, 401);
    assert.equal((await request(server, admin, 'GET', '/api/v1/namespaces')).status, 429);
    server.faults.throttle(503, 1);
    assert.equal((await request(server, anonymous(), 'GET', '/api/v1/namespaces')).status, 503);
    assert.equal((await request(server, anonymous(), 'GET', '/api/v1/namespaces')).status, 401);
  });

  it('is disarmed by clear() whatever count was left', async () => {
    server.faults.throttle(429, 100);
    server.faults.clear();
    assert.equal((await request(server, admin, 'GET', '/api/v1/namespaces')).status, 200);
  });

  it('reaches @kubernetes/client-node as an ApiException with code 429, the text body and the Retry-After header', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(server.kubeconfig());
    const core = kc.makeApiClient(k8s.CoreV1Api);
    server.faults.throttle(429, 1);
    await assert.rejects(core.listNamespace(), (error: unknown) => {
      assert.ok(error instanceof k8s.ApiException);
      assert.equal(error.code, 429);
      assert.equal(error.body, TOO_MANY);
      assert.equal(error.headers['retry-after'], '1');
      return true;
    });
    assert.ok((await core.listNamespace()).items.length > 0);
  });
});
