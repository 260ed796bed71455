import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import type { V1Node } from '@kubernetes/client-node';
import { startK3sServer, type RunningK3sServer } from '../../lab/k3s';
import { VirtualNetwork } from '../../lab/net/virtual-network';
import { LabTiming } from '../../lab/timing';
import { DeadlineExceededError } from '../../src/errors';
import { ClusterClient } from '../../src/kube/cluster-client';
import { SecretRegistry } from '../../src/secrets/secret-registry';
import { Deadline } from '../../src/waiting/deadline';
import { watchUntil } from '../../src/waiting/watch-until';

describe('waiting by watching the Kubernetes API', () => {
  let server: RunningK3sServer;
  let cluster: ClusterClient;
  before(async () => {
    server = await startK3sServer({ network: new VirtualNetwork(), timing: new LabTiming(0) });
    const file = join(mkdtempSync(join(tmpdir(), 'watch-until-')), 'kubeconfig');
    writeFileSync(file, server.kubeconfig());
    cluster = ClusterClient.fromFile(file, { secrets: new SecretRegistry() });
  });
  after(() => server.stop());

  it('resumes a watch the server drops and still sees the change it waits for', async () => {
    let dropped = 0;
    const found = await watchUntil<V1Node, string>({
      kubeconfig: cluster.kubeconfig,
      path: '/api/v1/nodes',
      query: {},
      deadline: new Deadline('node late-node registered', 10_000),
      judge: (node) => {
        if (node.metadata?.name === 'late-node') return { done: true, value: node.metadata.name };
        if (dropped === 0) {
          // The watch is live (it delivered the master): cut it, then create what the wait is for.
          dropped = server.dropWatches();
          void cluster.core.createNode({ body: { metadata: { name: 'late-node' } } });
        }
        return { done: false, observed: `saw ${node.metadata?.name}` };
      },
    });
    assert.equal(dropped, 1, 'one watch was open and was dropped');
    assert.equal(found, 'late-node');
  });

  it('arms no retry once it has its answer, so a finished run exits at once', { timeout: 10_000 }, async () => {
    // The watch it aborts on settling ends with an error; a retry armed then would hold the process open 500 ms.
    // Both the timer and the watch's end are observed as they happen: the check runs once the aborted watch has ended.
    const realSetTimeout = globalThis.setTimeout;
    const realWatch = k8s.Watch.prototype.watch;
    const armedAfterAnswer: number[] = [];
    let answered = false;
    let endedAfterAnswer!: () => void;
    const watchEnded = new Promise<void>((resolve) => (endedAfterAnswer = resolve));
    globalThis.setTimeout = ((callback: () => void, ms?: number) => {
      if (answered) armedAfterAnswer.push(ms ?? 0);
      return realSetTimeout(callback, ms);
    }) as typeof setTimeout;
    k8s.Watch.prototype.watch = function (path, query, callback, done) {
      return realWatch.call(this, path, query, callback, (error) => {
        done(error);
        if (answered) endedAfterAnswer();
      });
    };
    try {
      const found = await watchUntil<V1Node, string>({
        kubeconfig: cluster.kubeconfig,
        path: '/api/v1/nodes',
        query: {},
        deadline: new Deadline('node k3s-master registered', 10_000),
        judge: (node) => {
          if (node.metadata?.name !== 'k3s-master') return { done: false, observed: `saw ${node.metadata?.name}` };
          answered = true;
          return { done: true, value: 'k3s-master' };
        },
      });
      assert.equal(found, 'k3s-master');
      await watchEnded;
    } finally {
      globalThis.setTimeout = realSetTimeout;
      k8s.Watch.prototype.watch = realWatch;
    }
    assert.deepEqual(armedAfterAnswer.filter((ms) => ms === 500), [], 'no 500 ms watch retry armed after the answer');
  });

  it('fails at its deadline with the last state it observed', async () => {
    await assert.rejects(
      watchUntil<V1Node, never>({
        kubeconfig: cluster.kubeconfig,
        path: '/api/v1/nodes',
        query: { fieldSelector: 'metadata.name=k3s-master' },
        deadline: new Deadline('node k3s-master cordoned', 300),
        judge: (node) => ({ done: false, observed: `unschedulable=${node.spec?.unschedulable ?? false}` }),
      }),
      (error: Error) => error instanceof DeadlineExceededError && /node k3s-master cordoned not reached after 0s; last observed: unschedulable=false/.test(error.message),
    );
  });

  it('fails at once when the judge says the wait is hopeless', async () => {
    await assert.rejects(
      watchUntil<V1Node, never>({
        kubeconfig: cluster.kubeconfig,
        path: '/api/v1/nodes',
        query: {},
        deadline: new Deadline('impossible', 10_000),
        judge: () => ({ failed: new Error('hopeless') }),
      }),
      /hopeless/,
    );
  });
});
