import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { RunningK3sServer } from '../../../lab/k3s';
import { startTestServer } from './lab-client';

/** Resolves when `until` accepts a watched pod, rejects at the deadline with the last phase seen. */
async function watchPod(kc: k8s.KubeConfig, namespace: string, name: string, until: (type: string, pod: k8s.V1Pod) => boolean, deadlineMs = 10_000): Promise<k8s.V1Pod> {
  let last = 'nothing';
  let controller: AbortController | undefined;
  try {
    return await new Promise<k8s.V1Pod>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pod ${name}: condition not met within ${deadlineMs}ms, last seen ${last}`)), deadlineMs);
      new k8s.Watch(kc).watch(`/api/v1/namespaces/${namespace}/pods`, { fieldSelector: `metadata.name=${name}` }, (type, pod: k8s.V1Pod) => {
        last = `${type} ${pod.status?.phase}`;
        if (until(type, pod)) {
          clearTimeout(timer);
          resolve(pod);
        }
      }, (error) => {
        if (error && error.name !== 'AbortError') reject(error);
      }).then((c) => (controller = c), reject);
    });
  } finally {
    controller?.abort();
  }
}

describe('the real @kubernetes/client-node 2.x against the emulated k3s server', () => {
  let server: RunningK3sServer;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  before(async () => {
    ({ server } = await startTestServer());
    kc = new k8s.KubeConfig();
    kc.loadFromString(server.kubeconfig());
    core = kc.makeApiClient(k8s.CoreV1Api);
  });
  after(() => server.stop());

  it('loads k3s.yaml and lists the server node as Ready with the control-plane and master roles', async () => {
    const nodes = await core.listNode();
    assert.equal(nodes.items.length, 1);
    const [master] = nodes.items;
    assert.equal(master.metadata?.name, 'k3s-master');
    assert.ok(master.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    assert.equal(master.metadata?.labels?.['node-role.kubernetes.io/control-plane'], 'true');
    assert.equal(master.status?.nodeInfo?.kubeletVersion, 'v1.34.3+k3s1');
    assert.equal(master.spec?.taints, undefined, 'k3s servers are schedulable by default');
  });

  it('runs an nginx:alpine pod to Running on the server node, with the kubelet\'s events, then deletes it', async () => {
    const name = `web-${Date.now().toString(36)}`;
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name }, spec: { containers: [{ name: 'nginx', image: 'nginx:alpine' }] } } });
    const running = await watchPod(kc, 'default', name, (_type, pod) => pod.status?.phase === 'Running');
    assert.equal(running.spec?.nodeName, 'k3s-master');
    assert.match(running.status?.podIP ?? '', /^10\.42\.0\.\d+$/);
    assert.ok(running.status?.containerStatuses?.[0].ready);

    const events = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${name}` });
    assert.deepEqual(events.items.map((e) => e.reason), ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']);
    assert.equal(events.items[2].message, 'Successfully pulled image "nginx:alpine" in 1.2s (1.2s including waiting). Image size: 20991872 bytes.');

    const gone = watchPod(kc, 'default', name, (type) => type === 'DELETED');
    await core.deleteNamespacedPod({ name, namespace: 'default' });
    await gone;
    await assert.rejects(core.readNamespacedPod({ name, namespace: 'default' }), (error: { code?: number }) => error.code === 404);
  });
});
