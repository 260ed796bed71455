import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Benchmark 1 (issue 6): the main job's cold start on the lab with instant timing, side by side with a bare cucumber
 * run of a trivial feature on the same toolchain. Each run is a fresh `npx cucumber-js` process, as a user starts it.
 *   npm run bench:cold-start [-- RUNS]      (default 7 runs of each, interleaved)
 * Targets: main job median ≤ 3 s and ≤ 2× the bare run; peak memory ≤ 300 MB.
 */
const root = resolve(__dirname, '..');
const runs = Number(process.argv[2] ?? 7);

interface Sample {
  ms: number;
  peakMb: number;
}

function run(args: string[]): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cold-start-'));
  const rssFile = join(dir, 'rss');
  const started = process.hrtime.bigint();
  const result = spawnSync('npx', ['cucumber-js', ...args], {
    cwd: root,
    env: {
      ...process.env,
      REPORTS_DIR: dir,
      LAB_TIMING: '0',
      SUITE_PROGRESS: 'quiet',
      BENCH_RSS_FILE: rssFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(root, 'bench/peak-rss.cjs')}`,
    },
    encoding: 'utf8',
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`npx cucumber-js ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  // npx itself runs under Node too; the cucumber process is the one with the largest peak.
  const peakKb = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number));
  rmSync(dir, { recursive: true, force: true });
  return { ms, peakMb: peakKb / 1024 };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const main: Sample[] = [];
const bare: Sample[] = [];
for (let i = 0; i < runs; i++) {
  bare.push(run(['--config', 'bench/trivial/cucumber.js']));
  main.push(run(['features/add-worker.feature']));
}
const mainMedian = median(main.map((s) => s.ms));
const bareMedian = median(bare.map((s) => s.ms));
const peak = Math.max(...main.map((s) => s.peakMb));
console.log(`runs: ${runs} of each, interleaved, on ${process.version}`);
console.log(`main job (features/add-worker.feature, lab, LAB_TIMING=0): median ${(mainMedian / 1000).toFixed(2)} s, min ${(Math.min(...main.map((s) => s.ms)) / 1000).toFixed(2)} s, peak RSS ${peak.toFixed(0)} MB`);
console.log(`bare cucumber run (trivial feature, same toolchain):   median ${(bareMedian / 1000).toFixed(2)} s, peak RSS ${Math.max(...bare.map((s) => s.peakMb)).toFixed(0)} MB`);
console.log(`ratio ${(mainMedian / bareMedian).toFixed(2)}×   targets: median ≤ 3 s ${mainMedian <= 3000 ? 'met' : 'NOT met'}, ≤ 2× bare ${mainMedian <= 2 * bareMedian ? 'met' : 'NOT met'}, peak ≤ 300 MB ${peak <= 300 ? 'met' : 'NOT met'}`);
