import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startLab, type RunningLab } from '../../lab';
import { InfrastructureError } from '../../src/errors';
import type { Evidence } from '../../src/provisioning/evidence';
import { provisionContainer } from '../../src/provisioning/provision-container';
import type { Target } from '../../src/provisioning/target';
import { parseWorkerSpec, type WorkerSpec } from '../../src/spec/worker-spec';
import { openTarget } from '../../support/open-target';

function specFor(vmid: number, hostname: string): WorkerSpec {
  return parseWorkerSpec(
    {
      vmid: String(vmid), hostname, cores: '1', memory: '1GB', disk: '8GB', address: `192.168.2.${vmid - 70}/24`, gateway: '192.168.2.1',
      bridge: 'vmbr0', storage: 'local-lvm', template: 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst',
      features: 'nesting=1,keyctl=1,fuse=1', ssh: 'key', 'control plane': '192.168.2.20:6443',
    },
    ['lxc.apparmor.profile: unconfined', 'lxc.cap.drop:'],
  );
}

function collecting(): Evidence & { notes: string[]; attachments: Map<string, string> } {
  const notes: string[] = [];
  const attachments = new Map<string, string>();
  return { notes, attachments, note: (message) => notes.push(message), attach: (title, text) => attachments.set(title, text) };
}

// The suite's Proxmox path against the lab node misbehaving on purpose (lab/proxmox/faults.ts).
describe('provisioning a container when Proxmox misbehaves', () => {
  let lab: RunningLab;
  let target: Target;
  before(async () => {
    lab = await startLab({ stateDir: mkdtempSync(join(tmpdir(), 'provision-')) });
    target = await openTarget(lab.env, 'lab');
  });
  after(async () => {
    target.proxmoxHost.close();
    await lab.stop();
  });

  it('retries config-lock timeouts with backoff and then builds the container', async () => {
    lab.proxmox.faults.lockTimeouts(171, 2);
    const evidence = collecting();
    const created: number[] = [];
    const container = await provisionContainer(target, specFor(171, 'lock-retry'), 'test', evidence, (vmid) => created.push(vmid));
    assert.equal(container.vmid, 171);
    assert.equal((await target.proxmox.containerStatus(171))?.status, 'running');
    assert.equal(evidence.notes.filter((note) => /config lock is held by another operation/.test(note)).length, 2, evidence.notes.join('\n'));
  });

  it('fails on TASK ERROR with the task log\'s tail, and records the VMID for cleanup first', async () => {
    lab.proxmox.faults.failNextTask('vzcreate', "unable to create CT 172 - no space left on device");
    const created: number[] = [];
    await assert.rejects(provisionContainer(target, specFor(172, 'task-error'), 'test', collecting(), (vmid) => created.push(vmid)), (error: Error) => {
      assert.ok(error instanceof InfrastructureError);
      assert.match(error.message, /Proxmox task UPID:pve:[0-9A-F]+:[0-9A-F]+:[0-9A-F]+:vzcreate:172:root@pam!acceptance: failed: unable to create CT 172 - no space left on device/);
      assert.match(error.evidence ?? '', /TASK ERROR: unable to create CT 172 - no space left on device/);
      return true;
    });
    assert.deepEqual(created, [172]);
    assert.equal(await target.proxmox.containerStatus(172), undefined, 'a failed create removes its config (pve-container)');
  });

  it('counts a start that ends with WARNINGS as success and reports the warnings', async () => {
    lab.proxmox.faults.warnNextTask('vzstart', ['WARN: systemd 249 detected, consider upgrading']);
    const evidence = collecting();
    await provisionContainer(target, specFor(173, 'warned'), 'test', evidence, () => {});
    assert.ok(evidence.notes.some((note) => /CT 173 start succeeded with 1 warning\(s\)/.test(note)), evidence.notes.join('\n'));
  });

  it('refuses a VMID that holds another container and leaves it untouched', async () => {
    await provisionContainer(target, specFor(174, 'someone-else'), 'test', collecting(), () => {});
    const writesBefore = lab.proxmox.writeCount();
    const created: number[] = [];
    await assert.rejects(provisionContainer(target, specFor(174, 'k3s-worker-09'), 'test', collecting(), (vmid) => created.push(vmid)), /VMID 174 is already used by "someone-else" on node pve; the suite will not touch it/);
    assert.deepEqual(created, []);
    assert.equal(lab.proxmox.writeCount(), writesBefore, 'no write reached Proxmox');
  });
});
