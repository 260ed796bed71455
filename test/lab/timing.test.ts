import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoveredTime, LabTiming } from '../../lab/timing';

describe('the lab\'s emulated time: the span during which some emulated operation was under way', () => {
  it('counts overlapping operations once, nested ones not at all, and the gaps between them not at all', () => {
    const covered = new CoveredTime();
    covered.add(0, 30);
    covered.add(10, 20);
    covered.add(25, 50);
    covered.add(90, 100);
    assert.equal(covered.total(), 60);
    assert.equal(covered.total(40), 20, 'from 40 on: 40-50 and 90-100');
  });

  it('records each wait of the lab once it has passed, and nothing at scale 0, where the lab only yields', async () => {
    const scaled = new LabTiming(0.001);
    const started = performance.now();
    await scaled.wait(5000);
    assert.ok(scaled.emulatedMs(started) > 0, 'a 5 ms wait is emulated time');
    assert.ok(scaled.emulatedMs(started) <= performance.now() - started, 'never more than the time that passed');
    const instant = new LabTiming(0);
    await instant.wait(5000);
    assert.equal(instant.emulatedMs(), 0);
  });
});
