import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InfrastructureError } from '../../src/errors';
import type { Evidence } from '../../src/report/evidence';
import { ResourceTracker, untracked } from '../../src/cleanup/cleanup-ledger';
import { provisionContainer } from '../../src/provisioning/provision-container';
import type { WorkerSpec } from '../../src/spec/worker-spec';
import { storySpec, useLabTarget } from '../support/lab-target';
import { workContext } from '../support/open-target';

function specFor(vmid: number, hostname: string): WorkerSpec {
  return storySpec({ vmid: String(vmid), hostname, cores: '1', memory: '1GB', disk: '8GB', address: `192.168.2.${vmid - 70}/24` });
}

/** Records the VMIDs of containers the task announced before creating them. */
function intents(vmids: number[]): ResourceTracker {
  return { ...untracked, intend: (resource) => void (resource.kind === 'container' && vmids.push(resource.vmid)) };
}

function collecting(): Evidence & { notes: string[]; attachments: Map<string, string> } {
  const notes: string[] = [];
  const attachments = new Map<string, string>();
  return { notes, attachments, note: (message: string) => void notes.push(message), attach: (title: string, text: string) => void attachments.set(title, text) };
}

// The suite's Proxmox path against the lab node misbehaving on purpose (lab/proxmox/faults.ts).
describe('provisioning a container when Proxmox misbehaves', () => {
  const env = useLabTarget();

  it('retries config-lock timeouts with backoff and then builds the container', async () => {
    env.lab.proxmox.faults.lockTimeouts(171, 2);
    const evidence = collecting();
    const created: number[] = [];
    const container = await provisionContainer(workContext(env.target, { evidence: evidence, tracker: intents(created) }), specFor(171, 'lock-retry'));
    assert.equal(container.vmid, 171);
    assert.equal((await env.target.proxmox.containerStatus(171))?.status, 'running');
    assert.equal(evidence.notes.filter((note) => /config lock is held by another operation/.test(note)).length, 2, evidence.notes.join('\n'));
  });

  it('fails on TASK ERROR with the task log\'s tail, and records the VMID for cleanup before creating', async () => {
    env.lab.proxmox.faults.failNextTask('vzcreate', "unable to create CT 172 - no space left on device");
    const created: number[] = [];
    await assert.rejects(provisionContainer(workContext(env.target, { evidence: collecting(), tracker: intents(created) }), specFor(172, 'task-error')), (error: Error) => {
      assert.ok(error instanceof InfrastructureError);
      assert.match(error.message, /Proxmox task UPID:pve:[0-9A-F]+:[0-9A-F]+:[0-9A-F]+:vzcreate:172:root@pam!acceptance: failed: unable to create CT 172 - no space left on device/);
      assert.match(error.evidence ?? '', /TASK ERROR: unable to create CT 172 - no space left on device/);
      return true;
    });
    assert.deepEqual(created, [172]);
    assert.equal(await env.target.proxmox.containerStatus(172), undefined, 'a failed create removes its config (pve-container)');
  });

  it('counts a start that ends with WARNINGS as success and reports the warnings', async () => {
    env.lab.proxmox.faults.warnNextTask('vzstart', ['WARN: systemd 249 detected, consider upgrading']);
    const evidence = collecting();
    await provisionContainer(workContext(env.target, { evidence: evidence, tracker: untracked }), specFor(173, 'warned'));
    assert.ok(evidence.notes.some((note) => /CT 173 start succeeded with 1 warning\(s\)/.test(note)), evidence.notes.join('\n'));
  });

  it('refuses a VMID that holds another container and leaves it untouched', async () => {
    await provisionContainer(workContext(env.target, { evidence: collecting(), tracker: untracked }), specFor(174, 'someone-else'));
    const writesBefore = env.lab.proxmox.writeCount();
    const created: number[] = [];
    await assert.rejects(provisionContainer(workContext(env.target, { evidence: collecting(), tracker: intents(created) }), specFor(174, 'k3s-worker-09')), /VMID 174 is already used by "someone-else" on node pve; the suite will not touch it/);
    assert.deepEqual(created, []);
    assert.equal(env.lab.proxmox.writeCount(), writesBefore, 'no write reached Proxmox');
  });

  it('refuses a container of its worker that another run, still going, is building: named, and left untouched', async () => {
    const other = { runId: 'c0ffee', pid: 4242, host: 'ci-runner-2', startedAt: '2026-12-03T15:00:00.000Z' };
    await provisionContainer(workContext(env.target, { runId: other.runId }), specFor(175, 'k3s-worker-10'));
    const writesBefore = env.lab.proxmox.writeCount();
    const theirs = workContext(env.target, { runId: 'beef00', isLive: (owner) => owner.runId === other.runId });
    await assert.rejects(provisionContainer(theirs, specFor(175, 'k3s-worker-10')), (error: Error) => {
      assert.equal(error.name, 'ConfigurationError');
      assert.match(error.message, /CT 175 \(k3s-worker-10\) is being built right now by another run of the suite, run c0ffee \(pid \d+ on test-host, started [^)]+\)/);
      return true;
    });
    assert.equal(env.lab.proxmox.writeCount(), writesBefore, 'no write reached Proxmox');
  });
});
