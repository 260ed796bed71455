import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startK3sServer, type MasterSize } from '../../../lab/k3s';
import { parseMasterSize } from '../../../lab/lab-settings';
import { VirtualNetwork } from '../../../lab/net/virtual-network';
import { LabTiming } from '../../../lab/timing';
import { adminCredentials, joinAgentNode, nginxPod, request, watchUntil } from './lab-client';

/** Where the story's free nginx pod lands with the story's worker (4 CPUs, 8 GiB) joined to a master of `size`. */
async function placement(size?: MasterSize): Promise<string> {
  const network = new VirtualNetwork();
  const server = await startK3sServer({ network, timing: new LabTiming(0), master: size });
  const agent = await joinAgentNode(server, network, 'k3s-worker-01', '192.168.2.21');
  try {
    const admin = adminCredentials(server);
    await watchUntil(server, admin, '/api/v1/nodes?watch=true&fieldSelector=metadata.name%3Dk3s-worker-01', (e) => !(e.object.spec.taints ?? []).length);
    const from = server.store.resourceVersion;
    await request(server, admin, 'POST', '/api/v1/namespaces/default/pods', { body: nginxPod('web') });
    const { match } = await watchUntil(server, admin, `/api/v1/namespaces/default/events?watch=true&resourceVersion=${from}&fieldSelector=involvedObject.name%3Dweb`,
      (e) => e.object.reason === 'Scheduled');
    return match.object.message;
  } finally {
    agent.stop();
    await server.stop();
  }
}

describe('where the default scheduler puts a pod without a selector (LeastAllocated + BalancedAllocation + ImageLocality)', () => {
  it('on the story\'s worker when the master is its size (4 CPUs, 8 GiB) and already runs k3s\'s add-ons', async () => {
    assert.equal(await placement(), 'Successfully assigned default/web to k3s-worker-01');
  });

  it('on the master when it is much bigger (npm run lab -- --k3s-master cpus=16,memory=64GB): k3s servers are schedulable', async () => {
    assert.equal(await placement(parseMasterSize('cpus=16,memory=64GB')), 'Successfully assigned default/web to k3s-master');
  });

  it('reads --k3s-master / LAB_K3S_MASTER as cpus and memory, GB meaning GiB as the story\'s sizes do', () => {
    assert.deepEqual(parseMasterSize('cpus=16,memory=64GB'), { cpus: 16, memoryMiB: 65536 });
    assert.deepEqual(parseMasterSize('memory=512MiB'), { cpus: 4, memoryMiB: 512 });
    assert.throws(() => parseMasterSize('cpus=lots'), /"cpus=lots" is not cpus=<count> or memory=<size>/);
  });
});
