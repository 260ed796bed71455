import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Benchmark 1 (issues 6 and 17): the main job's cold start on the lab with instant timing, side by side with a bare
 * cucumber run of a trivial feature on the same toolchain, and with that bare run plus the suite's client libraries
 * and the Allure formatter (bench/clients/). Each run is a fresh `npx cucumber-js` process, as a user starts it.
 *   npm run bench:cold-start [-- RUNS]      (default 7 runs of each, interleaved)
 * Targets (issue 17): main job median ≤ 1.5× the run with clients; peak memory ≤ 260 MB.
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

const kinds = {
  main: { args: ['features/add-worker.feature'], label: 'main job (features/add-worker.feature, lab, LAB_TIMING=0)' },
  clients: { args: ['--config', 'bench/clients/cucumber.js'], label: 'bare run with the suite\'s clients and the Allure formatter' },
  bare: { args: ['--config', 'bench/trivial/cucumber.js'], label: 'bare cucumber run (trivial feature, same toolchain)' },
};
const samples: Record<keyof typeof kinds, Sample[]> = { main: [], clients: [], bare: [] };
for (let i = 0; i < runs; i++) {
  for (const kind of Object.keys(kinds) as Array<keyof typeof kinds>) samples[kind].push(run(kinds[kind].args));
}
const summary = (kind: keyof typeof kinds) => ({ ms: median(samples[kind].map((s) => s.ms)), peak: Math.max(...samples[kind].map((s) => s.peakMb)) });
const [main, clients, bare] = [summary('main'), summary('clients'), summary('bare')];
console.log(`runs: ${runs} of each, interleaved, on ${process.version}`);
for (const kind of Object.keys(kinds) as Array<keyof typeof kinds>) {
  const { ms, peak } = summary(kind);
  console.log(`${kinds[kind].label.padEnd(62)} median ${(ms / 1000).toFixed(2)} s, min ${(Math.min(...samples[kind].map((s) => s.ms)) / 1000).toFixed(2)} s, peak RSS ${peak.toFixed(0)} MB`);
}
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
console.log(`main / bare ${(main.ms / bare.ms).toFixed(2)}×, main / with clients ${(main.ms / clients.ms).toFixed(2)}×`);
console.log(`targets: main ≤ 1.5× with clients ${met(main.ms <= 1.5 * clients.ms)}, peak ≤ 260 MB ${met(main.peak <= 260)}`);
