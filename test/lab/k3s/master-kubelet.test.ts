import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { RunningK3sServer } from '../../../lab/k3s';
import { nginxPod, request, useTestServer, watchUntil, type Credentials } from './lab-client';

describe('the server\'s own kubelet (pod lifecycle as kubelet reports it)', () => {
  let server: RunningK3sServer;
  let admin: Credentials;
  useTestServer((lab) => ({ server, admin } = lab));

  it('keeps the server node\'s heartbeat fresh (node status update every 10 s, scaled)', async () => {
    const heartbeat = (node: any) => node.status.conditions.find((c: any) => c.type === 'Ready').lastHeartbeatTime;
    const first = server.store.get('nodes', undefined, 'k3s-master')!;
    const { match } = await watchUntil(server, admin, `/api/v1/nodes?watch=true&resourceVersion=${server.store.resourceVersion}`,
      (e) => heartbeat(e.object) !== heartbeat(first), 5_000);
    assert.equal(match.type, 'MODIFIED');
  });

  it('reports a missing image as ErrImagePull, then ImagePullBackOff with "Back-off pulling image" events', async () => {
    const from = server.store.resourceVersion;
    await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', {
      body: nginxPod('typo', { containers: [{ name: 'nginx', image: 'ngnix:alpine' }] }),
    });
    const { seen } = await watchUntil(server, admin, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${from}`,
      (e) => e.object.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff');
    const reasons = seen.map((e) => e.object.status?.containerStatuses?.[0]?.state?.waiting?.reason).filter(Boolean);
    assert.ok(reasons.indexOf('ErrImagePull') < reasons.indexOf('ImagePullBackOff'));
    const events = (await request(server, admin, 'GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dtypo')).json().items;
    const messages = events.map((e: any) => `${e.type} ${e.reason}: ${e.message}`);
    assert.ok(messages.includes('Normal BackOff: Back-off pulling image "ngnix:alpine"'), messages.join('\n'));
    assert.ok(messages.some((m: string) => m.startsWith('Warning Failed: Failed to pull image "ngnix:alpine": rpc error: code = NotFound')));
    assert.ok(messages.includes('Warning Failed: Error: ErrImagePull'));
  });

  describe('faults.maxPods: the pod capacity a kubelet started with --max-pods reports', () => {
    const podsOnServer = async () => (await request(server, admin, 'GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dk3s-master')).json().items
      .filter((pod: any) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed').length as number;
    const capacity = async () => {
      const node = (await request(server, admin, 'GET', '/api/v1/nodes/k3s-master')).json();
      return [node.status.capacity.pods, node.status.allocatable.pods];
    };
    afterEach(() => server.faults.clear());

    it('is inert until armed: the default 110', async () => {
      assert.deepEqual(await capacity(), ['110', '110']);
    });

    it('reports pods: n in capacity and allocatable, so a full node is "Too many pods"; clear() brings back 110 and the pod is scheduled', async () => {
      const running = await podsOnServer();
      server.faults.maxPods(running);
      assert.deepEqual(await capacity(), [String(running), String(running)]);
      const from = server.store.resourceVersion;
      await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: nginxPod('one-too-many') });
      const events = `/api/v1/namespaces/default/events?watch=true&resourceVersion=${from}&fieldSelector=involvedObject.name%3Done-too-many`;
      const { match: failed } = await watchUntil(server, admin, events, (e) => e.object.reason === 'FailedScheduling');
      assert.equal(failed.object.message, '0/1 nodes are available: 1 Too many pods. '
        + 'no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');

      server.faults.clear();
      assert.deepEqual(await capacity(), ['110', '110']);
      const { match: scheduled } = await watchUntil(server, admin, events, (e) => e.object.reason === 'Scheduled');
      assert.equal(scheduled.object.message, 'Successfully assigned default/one-too-many to k3s-master');
    });
  });
});
