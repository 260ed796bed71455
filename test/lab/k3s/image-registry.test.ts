import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { RunningK3sServer } from '../../../lab/k3s';
import { runPod, type PodEvent, type PodHost } from '../../../lab/kubelet/pod-lifecycle';
import { ImageRegistry } from '../../../lab/registry/image-registry';
import { ContainerLogs } from '../../../lab/kubelet/container-logs';
import type { KubeObject } from '../../../lab/contracts/kube-object';
import { LabTiming } from '../../../lab/timing';
import { nginxPod, request, useTestServer, watchUntil, type Credentials } from './lab-client';

// containerd (k3s build, musl resolver) when DNS for the registry fails, as the kubelet reports it: k8s.io/cri-client
// strips the gRPC Unknown code, so no "rpc error" prefix (containerd/containerd#10709, k3s-io/k3s#1629).
const UNREACHABLE_BUSYBOX = 'failed to pull and unpack image "docker.io/library/busybox:latest": failed to resolve reference '
  + '"docker.io/library/busybox:latest": failed to do request: Head "https://registry-1.docker.io/v2/library/busybox/manifests/latest": '
  + 'dial tcp: lookup registry-1.docker.io: Try again';

const eventLines = async (server: RunningK3sServer, admin: Credentials, pod: string) =>
  (await request(server, admin, 'GET', `/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D${pod}`)).json().items
    .map((e: any) => `${e.type} ${e.reason}: ${e.message}`) as string[];

describe('faults.registryUnreachable: image pulls fail as containerd\'s do when the registry cannot be resolved', () => {
  let server: RunningK3sServer;
  let admin: Credentials;
  useTestServer((lab) => ({ server, admin } = lab));
  afterEach(() => server.faults.clear());

  it('is inert until armed', () => {
    assert.equal(server.registry.pullError('nginx:alpine'), undefined);
    assert.match(server.registry.pullError('ngnix:alpine')!, /^rpc error: code = NotFound desc = /);
  });

  it('names the registry host and manifest URL containerd asks for', () => {
    server.faults.registryUnreachable();
    assert.equal(server.registry.pullError('busybox'), UNREACHABLE_BUSYBOX);
    assert.match(server.registry.pullError('registry.k8s.io/pause:3.10')!, /Head "https:\/\/registry\.k8s\.io\/v2\/pause\/manifests\/3\.10": dial tcp: lookup registry\.k8s\.io: Try again$/);
    assert.match(server.registry.pullError('nginx@sha256:abc')!, /Head "https:\/\/registry-1\.docker\.io\/v2\/library\/nginx\/manifests\/sha256:abc"/);
  });

  it('leaves the server\'s pod in ErrImagePull, then ImagePullBackOff, with the kubelet\'s Failed and BackOff events', async () => {
    server.faults.registryUnreachable();
    const from = server.store.resourceVersion;
    await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: nginxPod('offline', { containers: [{ name: 'app', image: 'busybox' }] }) });
    const { seen, match } = await watchUntil(server, admin, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${from}`,
      (e) => e.object.metadata.name === 'offline' && e.object.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff');
    const pulling = seen.map((e) => e.object.status?.containerStatuses?.[0]?.state?.waiting).find((w) => w?.reason === 'ErrImagePull');
    assert.equal(pulling.message, UNREACHABLE_BUSYBOX);
    assert.equal(match.object.status.containerStatuses[0].state.waiting.message, `Back-off pulling image "busybox": ErrImagePull: ${UNREACHABLE_BUSYBOX}`);
    const events = await eventLines(server, admin, 'offline');
    for (const expected of [
      'Normal Pulling: Pulling image "busybox"',
      `Warning Failed: Failed to pull image "busybox": ${UNREACHABLE_BUSYBOX}`,
      'Warning Failed: Error: ErrImagePull',
      'Normal BackOff: Back-off pulling image "busybox"',
      'Warning Failed: Error: ImagePullBackOff',
    ]) assert.ok(events.includes(expected), `missing "${expected}" in:\n${events.join('\n')}`);
  });

  it('starts a waiting pod on its next back-off retry once cleared', async () => {
    server.faults.registryUnreachable();
    const from = server.store.resourceVersion;
    await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: nginxPod('recovers', { containers: [{ name: 'app', image: 'busybox' }] }) });
    await watchUntil(server, admin, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${from}`,
      (e) => e.object.metadata.name === 'recovers' && e.object.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImagePull');
    const cleared = server.store.resourceVersion;
    server.faults.clear();
    const { match } = await watchUntil(server, admin, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${cleared}`,
      (e) => e.object.metadata.name === 'recovers' && e.object.status?.phase === 'Running');
    assert.equal(match.object.status.containerStatuses[0].ready, true);
  });

  it('still starts containers from images the node already has (IfNotPresent)', async () => {
    server.faults.registryUnreachable();
    const from = server.store.resourceVersion;
    // The server's kube-system images are in its containerd store, as on a real node.
    await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', {
      body: nginxPod('cached', { containers: [{ name: 'dns', image: 'rancher/mirrored-coredns-coredns:1.13.1' }] }),
    });
    await watchUntil(server, admin, `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${from}`,
      (e) => e.object.metadata.name === 'cached' && e.object.status?.phase === 'Running');
    assert.ok((await eventLines(server, admin, 'cached')).includes('Normal Pulled: Container image "rancher/mirrored-coredns-coredns:1.13.1" already present on machine'));
  });

  it('applies to any node\'s kubelet running the shared pod lifecycle (lab/kubelet) with the lab\'s registry, not only the server\'s', async () => {
    server.faults.registryUnreachable();
    const events: PodEvent[] = [];
    const controller = new AbortController();
    const backOff = new Promise<void>((resolve) => {
      const host: PodHost = {
        nodeName: 'k3s-worker-01', hostIp: '192.168.2.21', timing: new LabTiming(0), registry: server.registry, pulledImages: new Set(),
        containerLogs: new ContainerLogs(), kernelRelease: '6.8.12-9-pve', cpus: 2,
        allocatePodIp: () => '10.42.1.2',
        patchPodStatus: async () => undefined,
        recordEvent: async (_pod, event) => {
          events.push(event);
          if (event.message === 'Error: ImagePullBackOff') resolve();
        },
        deletePod: async () => undefined,
      };
      const pod: KubeObject = { metadata: { name: 'web', namespace: 'default', uid: 'u-1' }, spec: { containers: [{ name: 'nginx', image: 'nginx:alpine', imagePullPolicy: 'IfNotPresent' }] }, status: {} };
      runPod(pod, host, controller.signal).catch(() => undefined);
    });
    await backOff;
    controller.abort(new Error('test done'));
    assert.ok(events.some((e) => e.message.startsWith('Failed to pull image "nginx:alpine": failed to pull and unpack image "docker.io/library/nginx:alpine"')
      && e.message.endsWith('dial tcp: lookup registry-1.docker.io: Try again')), JSON.stringify(events));
  });

  it('belongs to one lab: another lab\'s registry still serves while this one is unreachable', () => {
    server.faults.registryUnreachable();
    const other = new ImageRegistry();
    assert.equal(other.pullError('nginx:alpine'), undefined);
    assert.match(server.registry.pullError('nginx:alpine')!, /Try again$/);
  });
});
