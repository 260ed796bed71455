import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import stringWidth from 'string-width';
import { Progress, type ProgressMode } from '../../src/progress/progress';
import { fitToWidth } from '../../src/progress/terminal-width';

function capture(mode: ProgressMode, isTTY: boolean, columns?: number) {
  let clock = 1_000_000;
  const chunks: string[] = [];
  const progress = new Progress(mode, { isTTY, columns, write: (text: string) => chunks.push(text) }, () => clock);
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
      '✔ node k3s-worker-01 Ready in 12 s',
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
    assert.equal(chunks.at(-1), '✖ CT 102 creation failed after 5.0 s: status running\n');
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

describe('the live line on a terminal', () => {
  it('is cut to the terminal\'s width in cells, counting ⏳ and wide characters as two, so it never wraps', () => {
    const { progress, chunks } = capture('normal', true, 40);
    const phase = progress.begin('node k3s-worker-01 Ready', 180_000);
    phase.observe('NotReady: KubeletNotReady: 容器运行时网络未就绪 cni plugin not initialized');
    const drawn = chunks.filter((chunk) => chunk.startsWith('\r\x1b[2K⏳')).map((chunk) => chunk.slice('\r\x1b[2K'.length));
    assert.ok(drawn.length >= 2);
    for (const line of drawn) assert.ok(stringWidth(line) <= 39, `"${line}" takes ${stringWidth(line)} cells of 40`);
    assert.match(drawn.at(-1)!, /…$/);
  });

  it('writes every other line above it: clears it, prints, and draws it again', () => {
    const { progress, chunks } = capture('normal', true, 80);
    progress.begin('CT 102 creation', 600_000);
    chunks.length = 0;
    progress.scenario('Scenario: AC2 K3s Agent Installation');
    assert.deepEqual(chunks, ['\r\x1b[2K', 'Scenario: AC2 K3s Agent Installation\n', '\r\x1b[2K⏳ CT 102 creation  0s / 600s']);
  });

  it('when interrupted, ends the running phase as interrupted, never done, and draws no live line again', () => {
    const { progress, chunks, advance } = capture('normal', true, 80);
    const install = progress.begin('k3s agent installation on worker k3s-worker-01', 300_000);
    advance(4000);
    assert.deepEqual(progress.interrupt().map((record) => record.outcome), ['interrupted']);
    install.end('done');
    const cleanup = progress.begin('CT 102 stop', 60_000);
    advance(1000);
    cleanup.end('done');
    const written = chunks.join('');
    assert.match(written, /✖ k3s agent installation on worker k3s-worker-01 interrupted after 4\.0 s\n/);
    assert.doesNotMatch(written, /✔ k3s agent installation/);
    assert.ok(written.endsWith('✔ CT 102 stop in 1.0 s\n'), JSON.stringify(written));
    assert.ok(!written.includes('⏳ CT 102 stop'), 'the cleanup\'s waits draw no live line');
    assert.deepEqual(progress.phases().map((record) => record.outcome), ['interrupted', 'done']);
  });
});

describe('fitting text to a terminal\'s width', () => {
  it('leaves text that fits alone and cuts the rest at a character boundary, with an ellipsis', () => {
    assert.equal(fitToWidth('⏳ short', 20), '⏳ short');
    assert.equal(fitToWidth('⏳ 漢字漢字漢字', 9), '⏳ 漢字…');
    assert.equal(stringWidth(fitToWidth('👩‍👩‍👧 family '.repeat(5), 15)), 15);
  });
});
