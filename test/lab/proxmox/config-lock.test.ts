import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigLocks, configLockFile } from '../../../lab/proxmox/guests/config-lock';
import { FaultPlan } from '../../../lab/proxmox/faults';
import { LabTiming } from '../../../lab/timing';

const TIMEOUT = "can't lock file '/run/lock/lxc/pve-config-102.lock' - got timeout";

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('config-lock (pve-common PVE/Tools.pm lock_file_full, pve-guest-common AbstractConfig.pm lock_config)', () => {
  it('names the flock file as PVE::LXC::Config::config_file_lock does', () => {
    assert.equal(configLockFile(102), '/run/lock/lxc/pve-config-102.lock');
  });

  it('times out a second locker while the first holds the lock, with the real run_with_timeout text', async () => {
    const locks = new ConfigLocks(new LabTiming(0), new FaultPlan());
    const holding = deferred();
    const first = locks.withLock(102, () => holding.promise);
    const lines: string[] = [];
    await assert.rejects(locks.withLock(102, () => 'never', { log: { log: (l) => lines.push(l), warn: () => undefined } }), { message: TIMEOUT });
    // lock_file_full prints this to STDERR, which a worker's task log shows.
    assert.deepEqual(lines, ['trying to acquire lock...']);
    holding.resolve();
    await first;
    assert.equal(locks.isHeld(102), false);
  });

  it('hands the lock to a waiter when released in time, which then logs " OK"', async () => {
    const locks = new ConfigLocks(new LabTiming(0.001), new FaultPlan()); // 10 ms of patience at this scale
    const holding = deferred();
    const order: string[] = [];
    const first = locks.withLock(102, async () => {
      await holding.promise;
      order.push('first');
    });
    const lines: string[] = [];
    const second = locks.withLock(102, () => order.push('second'), { log: { log: (l) => lines.push(l), warn: () => undefined } });
    holding.resolve();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first', 'second']);
    assert.deepEqual(lines, ['trying to acquire lock...', ' OK']);
  });

  it('keeps locks of different CTs independent', async () => {
    const locks = new ConfigLocks(new LabTiming(0), new FaultPlan());
    const holding = deferred();
    const first = locks.withLock(102, () => holding.promise);
    assert.equal(await locks.withLock(103, () => 'other CT'), 'other CT');
    holding.resolve();
    await first;
  });

  it('times out the next N attempts on a CT when the lockTimeouts fault is armed, then locks normally', async () => {
    const faults = new FaultPlan();
    const locks = new ConfigLocks(new LabTiming(0), faults);
    faults.lockTimeouts(102, 2);
    await assert.rejects(locks.withLock(102, () => 1), { message: TIMEOUT });
    await assert.rejects(locks.withLock(102, () => 1), { message: TIMEOUT });
    assert.equal(await locks.withLock(102, () => 3), 3);
  });
});
