import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { axisTicks, formatDuration } from '../../src/progress/durations';
import type { RunPhases } from '../../src/report/phase-history';
import { renderPhaseTrendSvg } from '../../src/report/phase-trend-svg';
import { textWidth } from '../../src/report/svg-text';
import { renderTimelineSvg } from '../../src/report/timeline-svg';

const svgWidth = (svg: string) => Number(/^<svg [^>]*width="(\d+)"/.exec(svg)?.[1]);

describe('durations in the unit that fits', () => {
  it('says milliseconds, seconds, minutes and hours as a reader would', () => {
    assert.deepEqual([340, 4240, 38_400, 125_000, 3_780_000].map(formatDuration), ['340 ms', '4.2 s', '38 s', '2 min 05 s', '1 h 03 min']);
  });

  it('puts round ticks on an axis, the last at or past the longest value', () => {
    assert.deepEqual(axisTicks(340), [0, 100, 200, 300, 400]);
    assert.deepEqual(axisTicks(45_000), [0, 15_000, 30_000, 45_000]);
    assert.deepEqual(axisTicks(7 * 60_000), [0, 120_000, 240_000, 360_000, 480_000]);
  });
});

describe('the run timeline picture', () => {
  const phases = [
    { name: 'CT 102 creation', startedAt: 0, endedAt: 420, outcome: 'done' as const },
    { name: 'SSH to k3s-worker-01 (192.168.2.21:22) through the Proxmox host <&>', startedAt: 420, endedAt: 20_000, outcome: 'failed' as const },
    { name: 'test pod acceptance-nginx-3f2a1c deleted', startedAt: 20_000, endedAt: 140_000, outcome: 'done' as const },
  ];
  const svg = renderTimelineSvg(phases, 'Every phase of run 3f2a1c, in order');

  it('draws one bar per phase on a shared axis, red for a failed one, with its duration in the unit that fits', () => {
    assert.equal((svg.match(/<rect /g) ?? []).length, 3);
    assert.match(svg, /fill="#d64545"><title>SSH to k3s-worker-01 \(192\.168\.2\.21:22\) through the Proxmox host &#60;&#38;&#62;: 20 s \(failed\)<\/title>/);
    assert.match(svg, />420 ms<\/text>/);
    assert.match(svg, />2 min 00 s<\/text>/);
    assert.match(svg, /time since the first phase began/);
  });

  it('is as wide as its longest label and the duration after the last bar need: nothing is cut', () => {
    const longest = textWidth('SSH to k3s-worker-01 (192.168.2.21:22) through the Proxmox host <&>');
    const rightmostText = [...svg.matchAll(/<text x="([\d.]+)"[^>]*fill="#555">([^<]+)<\/text>/g)].map((match) => Number(match[1]) + textWidth(match[2]));
    assert.ok(svgWidth(svg) >= longest + 12, `width ${svgWidth(svg)} holds the longest label (${longest})`);
    assert.ok(Math.max(...rightmostText) <= svgWidth(svg), `every duration ends inside the picture (${Math.max(...rightmostText)} <= ${svgWidth(svg)})`);
    for (const match of svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="end">([^<]+)<\/text>/g)) {
      assert.ok(Number(match[1]) - textWidth(match[2].replace(/&#\d+;/g, 'x')) >= 0, `label "${match[2]}" starts inside the picture`);
    }
  });
});

describe('the trend of story phase durations', () => {
  const run = (at: string, conditions: string | undefined, target: string, create: number): RunPhases => ({ at, target, conditions, phases: { create, 'node Ready': create * 2 } });
  const runs = [
    run('2026-11-23T02:00:00.000Z', undefined, 'real', 20_000),
    run('2026-11-24T02:00:00.000Z', 'embedded lab', 'lab', 40),
    run('2026-11-24T03:00:00.000Z', 'embedded lab, LAB_TIMING=1', 'lab', 19_000),
    run('2026-11-24T04:00:00.000Z', 'embedded lab', 'lab', 60),
    run('2026-11-25T02:00:00.000Z', 'embedded lab', 'lab', 50),
  ];
  const svg = renderPhaseTrendSvg(runs, 'Story phase durations, run over run');

  it('keeps lab and real runs, and realistic lab timing, in panels of their own, this run\'s kind first', () => {
    const panels = [...svg.matchAll(/font-weight="bold">([^<:]+): (\d+) runs?</g)].map((match) => [match[1], Number(match[2])]);
    assert.deepEqual(panels, [['embedded lab', 3], ['embedded lab, LAB_TIMING=1', 1], ['real systems', 1]]);
    assert.equal((svg.match(/this run ▾/g) ?? []).length, 1);
  });

  it('labels its axis in the unit that fits each panel and says what a point is', () => {
    assert.match(svg, />time in phase</);
    assert.match(svg, />runs, oldest to newest</);
    assert.match(svg, /Each point is one run: the time it spent in that phase/);
    assert.match(svg, />100 ms</, 'the instant lab\'s axis counts milliseconds');
    assert.match(svg, />40 s</, 'the realistic runs\' axis counts seconds');
    assert.match(svg, />node Ready 100 ms</, 'the legend gives this run\'s time per phase');
    assert.equal((svg.match(/<polyline /g) ?? []).length, 2, 'a line per phase where a panel has more than one run');
  });
});
