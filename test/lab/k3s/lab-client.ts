import https from 'node:https';
import { VirtualNetwork } from '../../../lab/net/virtual-network';
import { LabTiming } from '../../../lab/timing';
import { startK3sServer, type RunningK3sServer } from '../../../lab/k3s';

/** A started server at scale 0 on its own network, for one test file. */
export async function startTestServer(): Promise<{ server: RunningK3sServer; network: VirtualNetwork }> {
  const network = new VirtualNetwork();
  const server = await startK3sServer({ network, timing: new LabTiming(0) });
  return { server, network };
}

export interface Credentials {
  ca: string;
  cert?: string;
  key?: string;
}

export interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  json<T = any>(): T;
}

/** The admin identity from the server's kubeconfig. */
export function adminCredentials(server: RunningK3sServer): Credentials {
  const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(server.kubeconfig())![1], 'base64').toString();
  return { ca: field('certificate-authority-data'), cert: field('client-certificate-data'), key: field('client-key-data') };
}

export function request(
  server: RunningK3sServer,
  credentials: Credentials,
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: server.loopbackPort, method, path, ca: credentials.ca, cert: credentials.cert, key: credentials.key,
      headers: { ...(body ? { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': String(Buffer.byteLength(body)) } : {}), Accept: 'application/json', ...options.headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

export interface WatchEvent {
  type: string;
  object: any;
}

/**
 * Opens a watch and resolves with the first event `until` accepts (plus all events seen), or rejects at the deadline
 * with what was seen, so a failing test says what happened instead of timing out silently.
 */
export function watchUntil(
  server: RunningK3sServer,
  credentials: Credentials,
  path: string,
  until: (event: WatchEvent) => boolean,
  deadlineMs = 10_000,
): Promise<{ match: WatchEvent; seen: WatchEvent[] }> {
  return new Promise((resolve, reject) => {
    const seen: WatchEvent[] = [];
    let buffer = '';
    const req = https.request({ host: '127.0.0.1', port: server.loopbackPort, method: 'GET', path, ca: credentials.ca, cert: credentials.cert, key: credentials.key }, (res) => {
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const event = JSON.parse(buffer.slice(0, newline)) as WatchEvent;
          buffer = buffer.slice(newline + 1);
          seen.push(event);
          if (until(event)) {
            clearTimeout(timer);
            req.destroy();
            return resolve({ match: event, seen });
          }
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        reject(new Error(`watch ${path} ended before the expected event; saw ${JSON.stringify(seen.map((e) => `${e.type} ${e.object?.metadata?.name ?? e.object?.message ?? ''}`))}`));
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`watch ${path}: expected event not seen within ${deadlineMs}ms; saw ${JSON.stringify(seen.map((e) => `${e.type} ${e.object?.metadata?.name}`))}`));
    }, deadlineMs);
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
}

export const nginxPod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'nginx', image: 'nginx:alpine' }], ...extra },
});
