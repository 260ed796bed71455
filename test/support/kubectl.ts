import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

// The real binary (scripts/install-test-tools.sh puts kubectl v1.34 there), or KUBECTL.
export const KUBECTL = process.env.KUBECTL ?? resolve(__dirname, '../../.tools/bin/kubectl');

/** A reason to skip a kubectl test, or false when the binary is there. */
export const kubectlMissing = existsSync(KUBECTL) ? false : `kubectl not found at ${KUBECTL}: run scripts/install-test-tools.sh or set KUBECTL`;

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * kubectl with one kubeconfig and its own HOME (so its discovery cache belongs to that server): `run` gives what
 * happened, `ok` the stdout of a command that must succeed without writing to stderr.
 */
export function kubectlFor(kubeconfig: string, home: string) {
  const run = (...args: string[]): Promise<KubectlResult> =>
    new Promise((done) => {
      execFile(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { env: { PATH: process.env.PATH, HOME: home }, timeout: 60_000 }, (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  const ok = async (...args: string[]): Promise<string> => {
    const result = await run(...args);
    assert.equal(result.code, 0, `kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
    assert.equal(result.stderr, '', `kubectl ${args.join(' ')} wrote to stderr`);
    return result.stdout;
  };
  return { run, ok };
}
