import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const projectRoot = resolve(__dirname, '..', '..');

export interface CucumberRun {
  exitCode: number;
  output: string;
  reportsDir: string;
}

/**
 * Runs cucumber-js as a user would, with its outputs in a fresh reports folder (or `env.REPORTS_DIR`, for a test
 * that runs twice into one, as a user does between reports). `signal` (a test's t.signal) kills
 * the run when the test times out; `onOutput` sees the output so far as it grows, with the process, so a test can act
 * at a given moment of the run (say, interrupt it once a container exists).
 */
export function runCucumber(
  args: string[],
  env: Record<string, string> = {},
  signal?: AbortSignal,
  onOutput?: (output: string, child: ChildProcess) => void,
): Promise<CucumberRun> {
  const reportsDir = env.REPORTS_DIR ?? mkdtempSync(join(tmpdir(), 'k3s-suite-reports-'));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(projectRoot, 'node_modules/@cucumber/cucumber/bin/cucumber.js'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, ...env, REPORTS_DIR: reportsDir, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
      killSignal: 'SIGKILL',
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onOutput?.(output, child);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => (error.name === 'AbortError' ? resolvePromise({ exitCode: -1, output: `${output}\n(killed: ${error.message})`, reportsDir }) : reject(error)));
    child.on('close', (code) => resolvePromise({ exitCode: code ?? -1, output, reportsDir }));
  });
}
