import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANONYMOUS, type ApiAuthenticator } from '../access/auth';
import { DISABLE_PROXY_HEADER, nodeOfPath, proxyRequest, type ProxyTarget } from './api-proxy';
import { ApiError, sendData, sendError } from './envelope';
import { DataWithExtras, Router, type HttpMethod, type Route } from './router';

export interface ApiServerOptions {
  routes: Route[];
  auth: ApiAuthenticator;
  tls: { keyPem: string; certPem: string };
  /** Called for every authenticated POST/PUT/DELETE that reaches a handler. */
  onWrite(): void;
  /** Lab fault: real milliseconds to hold each request before handling it (0 = none). */
  answerDelayMs?(): number;
  /** Where a call for another node of the cluster goes (undefined: not a member, answered here). */
  proxyTarget?(node: string): ProxyTarget | undefined;
}

export interface RunningApiServer {
  port: number;
  close(): Promise<void>;
  /** pveproxy stopped: the port refuses new connections and open ones are cut. */
  stopListening(): Promise<void>;
  /** pveproxy started again, on the same port. */
  listenAgain(): Promise<void>;
  /** Serves a new key and certificate; open connections are cut, so every client handshakes again. */
  replaceCertificate(tls: { keyPem: string; certPem: string }): void;
}

/** pveproxy: HTTPS on loopback, /api2/json only, JSON envelopes, auth before any handler runs. */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const router = new Router(options.routes);
  const server = https.createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, (req, res) => {
    held(options.answerDelayMs?.() ?? 0)
      .then(() => serve(req, res, router, options))
      .catch((error) => sendError(res, toApiError(error)));
  });
  // Raw TCP sockets, including those still in the TLS handshake, which closeAllConnections() does not know about.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const cutConnections = () => {
    for (const socket of sockets) socket.destroy();
  };
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      // close() answers ERR_SERVER_NOT_RUNNING when already stopped; either way the port is closed.
      server.close(() => resolve());
      server.closeAllConnections();
      cutConnections();
    });
  return {
    port,
    close: stop,
    stopListening: async () => {
      if (server.listening) await stop();
    },
    listenAgain: async () => {
      if (!server.listening) await listen(port);
    },
    replaceCertificate: (tls) => {
      server.setSecureContext({ key: tls.keyPem, cert: tls.certPem });
      // New ticket keys: no client may resume a session made with the old certificate.
      server.setTicketKeys(randomBytes(48));
      cutConnections();
    },
  };
}

/** Holds a request without keeping the process alive once the server has been stopped. */
function held(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
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
  const forwarded = req.headers[DISABLE_PROXY_HEADER] !== undefined;
  // A call forwarded from another node was counted where it arrived.
  if (method !== 'GET' && !found.route.anonymous && !forwarded) options.onWrite();
  const node = nodeOfPath(path);
  const target = node !== undefined && !forwarded ? options.proxyTarget?.(node) : undefined;
  if (target) return proxyRequest(req, res, body, target);
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
