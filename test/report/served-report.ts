import { spawn } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { projectRoot } from '../features/run-cucumber';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.txt': 'text/plain; charset=utf-8', '.csv': 'text/csv', '.ico': 'image/x-icon',
};

/** Runs `npm run report`'s script on a run's results: REPORTS_DIR/allure-results -> REPORTS_DIR/allure-report. */
export function generateReport(reportsDir: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [join(projectRoot, 'scripts/report.sh')], { cwd: projectRoot, env: { ...process.env, REPORTS_DIR: reportsDir }, signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(join(reportsDir, 'allure-report')) : reject(new Error(`report.sh exited ${code}:\n${output}`))));
  });
}

export interface ServedReport extends AsyncDisposable {
  url: string;
}

/** Serves a generated report folder on 127.0.0.1 at a free port, as `allure open` would, without opening a browser. */
export async function serveReport(reportDir: string): Promise<ServedReport> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(reportDir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(reportDir) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    [Symbol.asyncDispose]: () => new Promise<void>((resolvePromise) => { server.closeAllConnections(); server.close(() => resolvePromise()); }),
  };
}
