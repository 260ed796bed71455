import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress, type ProgressMode } from '../../src/progress/progress';

function capture(mode: ProgressMode, isTTY: boolean) {
  let clock = 1_000_000;
  const chunks: string[] = [];
  const progress = new Progress(mode, { isTTY, write: (text: string) => chunks.push(text) }, () => clock);
  return { progress, chunks, advance: (ms: number) => (clock += ms) };
}

describe('live progress of long waits', () => {
  it('without a terminal prints a line at start, at each change of state and at the end, never a repeat', () => {
    const { progress, chunks, advance } = capture('normal', false);
    const phase = progress.begin('node k3s-worker-01 Ready', 180_000);
    phase.observe('NotReady: KubeletNotReady: cni plugin not initialized');
    advance(5000);
    phase.observe('NotReady: KubeletNotReady: cni plugin not initialized');
    advance(7000);
    phase.end('done');
    assert.deepEqual(chunks.join('').split('\n').filter(Boolean), [
      '▶ node k3s-worker-01 Ready (deadline 180s)',
      '  node k3s-worker-01 Ready: NotReady: KubeletNotReady: cni plugin not initialized (0s)',
      '✔ node k3s-worker-01 Ready in 12s',
    ]);
  });

  it('on a terminal rewrites one line with phase, elapsed, deadline and last state, then leaves the outcome', () => {
    const { progress, chunks, advance } = capture('normal', true);
    const phase = progress.begin('CT 102 creation', 600_000);
    advance(3000);
    phase.observe('status running');
    advance(2000);
    phase.end('failed');
    assert.ok(chunks.includes('\r\x1b[2K⏳ CT 102 creation  3s / 600s  status running'), JSON.stringify(chunks));
    assert.equal(chunks.at(-1), '✖ CT 102 creation failed after 5s: status running\n');
  });

  it('stays silent when quiet, and timestamps every observation when verbose', () => {
    const quiet = capture('quiet', false);
    const phase = quiet.progress.begin('x', 1000);
    phase.observe('a');
    phase.end('done');
    assert.deepEqual(quiet.chunks, []);
    assert.equal(quiet.progress.phases().length, 1, 'the timeline still records the phase');
    const verbose = capture('verbose', true);
    const loud = verbose.progress.begin('x', 1000);
    loud.observe('a');
    loud.observe('a');
    assert.equal(verbose.chunks.filter((chunk) => /^\d\d:\d\d:\d\d {3}x: a/.test(chunk)).length, 2);
  });
});
