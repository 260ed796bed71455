import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANONYMOUS, type ApiAuthenticator } from './auth';
import { ApiError, sendData, sendError } from './envelope';
import { DataWithExtras, Router, type HttpMethod, type Route } from './router';

export interface ApiServerOptions {
  routes: Route[];
  auth: ApiAuthenticator;
  tls: { keyPem: string; certPem: string };
  /** Called for every authenticated POST/PUT/DELETE that reaches a handler. */
  onWrite(): void;
}

export interface RunningApiServer {
  port: number;
  close(): Promise<void>;
}

/** pveproxy: HTTPS on loopback, /api2/json only, JSON envelopes, auth before any handler runs. */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const router = new Router(options.routes);
  const server = https.createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, (req, res) => {
    serve(req, res, router, options).catch((error) => sendError(res, toApiError(error)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, router: Router, options: ApiServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const method = (req.method ?? 'GET').toUpperCase() as HttpMethod;
  const body = await readBody(req);
  const path = url.pathname.replace(/^\/api2\/json(?=\/|$)/, '') || '/';
  const found = url.pathname.startsWith('/api2/json') ? router.match(method, path) : undefined;
  if (!found) throw new ApiError(501, `Method '${method} ${path}' not implemented`);

  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  if (body && /x-www-form-urlencoded/.test(req.headers['content-type'] ?? 'application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  }
  Object.assign(params, found.pathParams);

  const principal = found.route.anonymous ? ANONYMOUS : await options.auth.authenticate(req.headers, method);
  if (method !== 'GET' && !found.route.anonymous) options.onWrite();
  const result = await found.route.handle({ method, path, params, principal });
  if (result instanceof DataWithExtras) sendData(res, result.data, result.extras);
  else sendData(res, result);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(500, error instanceof Error ? error.message : String(error));
}
