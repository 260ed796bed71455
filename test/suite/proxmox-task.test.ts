import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadlineExceededError, InfrastructureError } from '../../src/errors';
import { TaskSource, TaskStatus, waitForTask } from '../../src/proxmox/proxmox-task';
import { Deadline } from '../../src/waiting/deadline';

/** A task source that answers from a script of statuses, one per poll. */
function scripted(statuses: Array<TaskStatus | Error>, log: string[]): TaskSource & { polls: number } {
  const source = {
    polls: 0,
    async status() {
      const next = statuses[Math.min(source.polls++, statuses.length - 1)];
      if (next instanceof Error) throw next;
      return next;
    },
    async log() {
      return log;
    },
  };
  return source;
}

describe('waiting for a Proxmox task', () => {
  it('tolerates a task that is not visible yet, then succeeds (FACTS: clients retry the first lookups)', async () => {
    const source = scripted([new Error('return Error 500 no such task'), { status: 'running' }, { status: 'stopped', exitstatus: 'OK' }], ['TASK OK']);
    const outcome = await waitForTask(source, 'UPID:pve:1', new Deadline('task', 5000));
    assert.equal(outcome.warnings, 0);
    assert.equal(source.polls, 3);
  });

  it('treats "WARNINGS: 2" as success with warnings (pve-manager Tasks.pm)', async () => {
    const outcome = await waitForTask(scripted([{ status: 'stopped', exitstatus: 'WARNINGS: 2' }], ['TASK WARNINGS: 2']), 'UPID', new Deadline('task', 5000));
    assert.equal(outcome.warnings, 2);
  });

  it('fails with the exit status and the log tail on TASK ERROR', async () => {
    const source = scripted([{ status: 'stopped', exitstatus: "unable to create CT 102 - storage 'nope' does not exist" }], ['extracting archive', "TASK ERROR: unable to create CT 102 - storage 'nope' does not exist"]);
    await assert.rejects(waitForTask(source, 'UPID', new Deadline('task', 5000)), (error: InfrastructureError) => {
      assert.match(error.message, /failed: unable to create CT 102/);
      assert.match(error.evidence ?? '', /TASK ERROR/);
      return true;
    });
  });

  it('gives up at the deadline saying what it last saw', async () => {
    await assert.rejects(waitForTask(scripted([{ status: 'running' }], ['extracting archive']), 'UPID', new Deadline('CT 102 creation', 300)), (error: DeadlineExceededError) => {
      assert.match(error.message, /CT 102 creation not reached after 0s; last observed: status running; log tail:\nextracting archive/);
      return true;
    });
  });
});
