import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appendPhaseHistory, readPhaseHistory, summarizeRun } from '../../src/report/phase-history';

const phase = (name: string, startedAt: number, endedAt: number, outcome: 'done' | 'failed' = 'done') => ({ name, startedAt, endedAt, outcome });

describe('story phase durations across runs', () => {
  it('maps the waits of a run onto the story\'s phases, adding up retries and leaving out failures', () => {
    const run = summarizeRun(
      [
        phase('CT 102 creation', 0, 1000, 'failed'),
        phase('CT 102 creation', 1000, 21_000),
        phase('CT 102 start', 21_000, 24_000),
        phase('SSH to k3s-worker-01 (192.168.2.21:22) through the Proxmox host', 24_000, 30_000),
        phase('k3s agent installation on worker k3s-worker-01', 30_000, 60_000),
        phase('node k3s-worker-01 registered', 60_000, 61_000),
        phase('node k3s-worker-01 Ready', 61_000, 80_000),
        phase('pod acceptance-nginx-abc123 scheduled', 80_000, 80_100),
        phase('pod acceptance-nginx-abc123 Running', 80_100, 85_000),
      ],
      { target: 'lab', conditions: 'embedded lab, LAB_TIMING=1' },
      new Date('2026-11-25T02:00:00Z'),
    );
    assert.deepEqual(run, {
      at: '2026-11-25T02:00:00.000Z',
      target: 'lab',
      conditions: 'embedded lab, LAB_TIMING=1',
      phases: { create: 20_000, start: 3000, 'SSH ready': 6000, 'agent installed': 30_000, 'node Ready': 19_000, 'pod Running': 4900 },
    });
  });

  it('keeps one line per run and skips a damaged line instead of failing the report', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'phase-history-')), 'phase-history.jsonl');
    appendPhaseHistory(file, { at: '2026-11-24T02:00:00.000Z', target: 'lab', phases: { create: 1 } });
    appendPhaseHistory(file, { at: '2026-11-24T03:00:00.000Z', target: 'lab', phases: {} });
    writeFileSync(file, '{"truncated\n', { flag: 'a' });
    appendPhaseHistory(file, { at: '2026-11-25T02:00:00.000Z', target: 'lab', phases: { create: 2 } });
    assert.deepEqual(readPhaseHistory(file).map((run) => run.phases.create), [1, 2]);
  });
});
