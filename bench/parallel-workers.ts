import { spawnSync } from 'node:child_process';
import { startStandaloneLab } from '../test/support/standalone-lab';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Benchmark 4 (issue 6): eight workers added by features/parallel/add-workers.feature's Scenario Outline with
 * `--parallel 4`, against one standalone lab at realistic timing, against one worker (its first example) alone.
 *   npm run bench:parallel [-- TIMING]      (lab timing scale, default 1 = real durations)
 * Targets: wall ≤ 2.5× one worker's; no VMID or IP collision; everything cleaned up.
 */
const root = resolve(__dirname, '..');
const timing = process.argv[2] ?? '1';
const FEATURE = 'features/parallel/add-workers.feature';

function cucumber(args: string[], env: Record<string, string>, reports: string, ledger: string): { seconds: number; summary: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync('npx', ['cucumber-js', '--profile', 'real', ...args], {
    cwd: root,
    env: { ...process.env, ...env, REPORTS_DIR: reports, SUITE_LEDGER_DIR: ledger, SUITE_PROGRESS: 'quiet' },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = /\d+ scenarios? \([^)]*\)/.exec(result.stdout)?.[0] ?? '(no summary)';
  if (result.status !== 0) throw new Error(`cucumber-js ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return { seconds, summary };
}

/** VMIDs and addresses the run created, read from the Proxmox task logs and notes it attached. */
function createdVmids(reports: string): string[] {
  const messages = readFileSync(join(reports, 'cucumber-messages.ndjson'), 'utf8');
  return [...messages.matchAll(/Proxmox task log: create CT (\d+)/g)].map((match) => match[1]);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-parallel-'));
  const lab = await startStandaloneLab(join(work, 'lab'), timing);
  try {
    const ledger = join(work, 'ledger');
    const firstExample = readFileSync(join(root, FEATURE), 'utf8').split('\n').findIndex((line) => /\| 111 /.test(line)) + 1;
    const one = cucumber([`${FEATURE}:${firstExample}`], lab.env, join(work, 'one'), ledger);
    console.log(`one worker:            ${one.seconds.toFixed(1)} s  (${one.summary})`);
    const eight = cucumber(['--parallel', '4', FEATURE], lab.env, join(work, 'eight'), ledger);
    console.log(`8 workers, parallel 4: ${eight.seconds.toFixed(1)} s  (${eight.summary})`);
    const vmids = createdVmids(join(work, 'eight'));
    console.log(`ratio ${(eight.seconds / one.seconds).toFixed(2)}× (target ≤ 2.5×); VMIDs created: ${vmids.join(', ')} (${new Set(vmids).size} distinct)`);
    console.log(`ledgers left: ${existsSync(ledger) ? readdirSync(ledger).length : 0} (every scenario also checked that nothing it created is left)`);
  } finally {
    lab.child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

void main();
