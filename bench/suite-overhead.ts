import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Benchmark 5 (issue 17): what the suite adds to a run above the infrastructure's own time. The main job runs at
 * LAB_TIMING=1 (the durations real systems take), and the lab reports, as it stops, the time during which at least
 * one emulated operation was under way (lab/timing.ts, LAB_EMULATED_TIME_FILE): the story's critical path, since the
 * suite waits on each operation in turn. The rest of the run's wall time is the suite's (and the toolchain's).
 *   npm run bench:overhead [-- RUNS]      (default 3)
 * Target: the suite's overhead ≤ 3 % of the run.
 */
const root = resolve(__dirname, '..');
const runs = Number(process.argv[2] ?? 3);

interface Sample {
  wallMs: number;
  emulatedMs: number;
  livedMs: number;
}

function run(): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-overhead-'));
  const file = join(dir, 'emulated.jsonl');
  const started = process.hrtime.bigint();
  const result = spawnSync('npx', ['cucumber-js', 'features/add-worker.feature'], {
    cwd: root,
    env: { ...process.env, REPORTS_DIR: dir, LAB_TIMING: '1', LAB_EMULATED_TIME_FILE: file, SUITE_PROGRESS: 'quiet' },
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`npx cucumber-js features/add-worker.feature failed:\n${result.stdout}${result.stderr}`);
  const labs = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { emulatedMs: number; livedMs: number });
  rmSync(dir, { recursive: true, force: true });
  if (labs.length !== 1) throw new Error(`expected one lab in the run, got ${labs.length}`);
  return { wallMs, emulatedMs: labs[0].emulatedMs, livedMs: labs[0].livedMs };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const samples = Array.from({ length: runs }, run);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(`main job at LAB_TIMING=1, ${runs} runs, on ${process.version}`);
console.log('run   wall      emulated   overhead   of which outside the lab (start-up, exit)');
samples.forEach((sample, index) => {
  const overhead = sample.wallMs - sample.emulatedMs;
  console.log(`${String(index + 1).padStart(3)}   ${s(sample.wallMs).padEnd(8)}  ${s(sample.emulatedMs).padEnd(9)}  ${s(overhead)} (${((100 * overhead) / sample.wallMs).toFixed(1)} %)   ${s(sample.wallMs - sample.livedMs)}`);
});
const overheads = samples.map((sample) => (100 * (sample.wallMs - sample.emulatedMs)) / sample.wallMs);
const inLab = samples.map((sample) => (100 * (sample.livedMs - sample.emulatedMs)) / sample.wallMs);
console.log(`median overhead ${median(overheads).toFixed(1)} % of the run (${median(inLab).toFixed(1)} % while the lab ran); target ≤ 3 % ${median(overheads) <= 3 ? 'met' : 'NOT met'}`);
