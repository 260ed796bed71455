import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Evidence } from '../../src/provisioning/evidence';
import { settleHalfBuiltWorkers } from '../../src/provisioning/half-built-workers';
import { WorkerBuild } from '../../src/provisioning/worker-build';
import { useLabTarget } from '../support/lab-target';
import { storySpec } from '../support/story-spec';

function notes(): Evidence & { notes: string[] } {
  const collected: string[] = [];
  return { notes: collected, note: (message) => collected.push(message), attach: () => {} };
}

// A create that succeeded before a later step failed leaves a container the build never got hold of.
describe('half-built workers after a failed scenario', () => {
  const env = useLabTarget();

  async function halfBuild(vmid: number, hostname: string, created: Set<number>): Promise<WorkerBuild> {
    const build = new WorkerBuild(storySpec({ vmid: String(vmid), hostname, address: `192.168.2.${vmid - 70}/24` }), env.target, 'test', (id) => created.add(id));
    env.lab.proxmox.faults.failNextTask('vzstart', `startup for container '${vmid}' failed`);
    await assert.rejects(build.ensureContainer(notes()), /startup for container/);
    assert.equal(build.container, undefined, 'the build never got hold of the container');
    assert.equal((await env.target.proxmox.containerStatus(vmid))?.status, 'stopped', 'yet Proxmox has it');
    return build;
  }

  it('removes a container this run created when its start failed', async () => {
    const created = new Set<number>();
    const build = await halfBuild(181, 'half-built', created);
    const evidence = notes();
    await settleHalfBuiltWorkers(env.target, [build], created, false, evidence);
    assert.equal(await env.target.proxmox.containerStatus(181), undefined);
    assert.deepEqual([...created], []);
    assert.match(evidence.notes.at(-1)!, /removed half-built CT 181 \(half-built\); set SUITE_KEEP_ON_FAILURE=1 to keep it next time/);
  });

  it('keeps it when asked and says how to remove it', async () => {
    const created = new Set<number>();
    const build = await halfBuild(182, 'kept', created);
    const evidence = notes();
    await settleHalfBuiltWorkers(env.target, [build], created, true, evidence);
    assert.equal((await env.target.proxmox.containerStatus(182))?.status, 'stopped');
    assert.match(evidence.notes[0], /keeping half-built CT 182 \(kept\)[\s\S]*pct stop 182; pct destroy 182 --purge/);
  });

  it('leaves alone a container the run did not create', async () => {
    const build = await halfBuild(183, 'not-ours', new Set<number>());
    await settleHalfBuiltWorkers(env.target, [build], new Set<number>(), false, notes());
    assert.equal((await env.target.proxmox.containerStatus(183))?.status, 'stopped');
  });
});
