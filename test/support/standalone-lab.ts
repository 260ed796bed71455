import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const projectRoot = resolve(__dirname, '..', '..');

/**
 * Starts `npm run lab`'s program (lab/cli.ts) as its own process, as an operator would, and resolves once it has
 * written lab.env, with the variables it holds for `--profile real`.
 */
export function startStandaloneLab(outDir: string, timing?: string): Promise<{ child: ChildProcess; env: Record<string, string> }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'lab/cli.ts', '--out', outDir, ...(timing ? ['--timing', timing] : [])], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    let ready = false;
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (ready || !output.includes('variables for --profile real')) return;
      ready = true;
      const env = Object.fromEntries(
        readFileSync(join(outDir, 'lab.env'), 'utf8').trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      resolvePromise({ child, env });
    });
    child.once('exit', (code) => ready || reject(new Error(`the lab exited (${code}) before it was ready:\n${output}`)));
  });
}
