import http from 'node:http';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { NetworkError, type VirtualNetwork } from '../net/virtual-network';

/** How the guest reaches an address: its IP over the virtual network, with TLS verified like a real client would. */
export interface VirtualRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM bundle to trust; without it (and without `insecure`) only a public CA would do, and the lab has none. */
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
  signal?: AbortSignal;
}

export interface VirtualResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body as received, for binary content. */
  bytes: Buffer;
}

/** A failure as the kernel or the TLS library reports it (ECONNREFUSED, EHOSTUNREACH, SELF_SIGNED_CERT_IN_CHAIN...). */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Opens the request and hands back the response stream (for watches); the caller consumes or destroys it. */
export function openVirtualRequest(network: VirtualNetwork, request: VirtualRequest): Promise<http.IncomingMessage> {
  const url = new URL(request.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const secure = url.protocol === 'https:';
  const port = Number(url.port || (secure ? 443 : 80));
  return new Promise((resolve, reject) => {
    const connect = async (): Promise<Socket> => {
      let raw: Socket;
      try {
        raw = await network.connect(host, port);
      } catch (error) {
        const code = error instanceof NetworkError ? error.code : (error as NodeJS.ErrnoException).code ?? 'ECONNREFUSED';
        throw new TransportError(code, `dial tcp ${host}:${port}: connect: ${code === 'EHOSTUNREACH' ? 'no route to host' : 'connection refused'}`);
      }
      if (!secure) return raw;
      const socket = tls.connect({
        socket: raw,
        ca: request.ca,
        cert: request.cert,
        key: request.key,
        rejectUnauthorized: !request.insecure,
        // The name to check is the address the guest dialled, as curl and Go's TLS do for an IP URL.
        checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert),
      });
      await new Promise<void>((ok, fail) => {
        socket.once('secureConnect', ok);
        socket.once('error', (error: NodeJS.ErrnoException) => fail(new TransportError(error.code ?? 'TLS', error.message)));
      });
      return socket;
    };
    connect().then((socket) => {
      const req = http.request({
        method: request.method ?? 'GET',
        // The socket is already connected; 127.0.0.1 only keeps any fallback dial on loopback.
        host: '127.0.0.1',
        port,
        path: url.pathname + url.search,
        // An explicit length: for DELETE Node sends a body with neither Content-Length nor chunked encoding, which
        // a server reads as the start of the next request (400 Bad Request).
        headers: { Host: url.host, ...(request.body !== undefined ? { 'Content-Length': String(Buffer.byteLength(request.body)) } : {}), ...(request.headers ?? {}) },
        // No agent: with `agent: false` Node would build its own and dial `host` for real, bypassing the lab.
        agent: undefined,
        createConnection: () => socket,
        signal: request.signal,
      });
      req.once('response', resolve);
      req.once('error', (error: NodeJS.ErrnoException) => reject(new TransportError(error.code ?? 'EIO', error.message)));
      req.end(request.body);
    }, reject);
  });
}

/** One request, read to the end. */
export async function virtualRequest(network: VirtualNetwork, request: VirtualRequest): Promise<VirtualResponse> {
  const response = await openVirtualRequest(network, request);
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return { status: response.statusCode ?? 0, headers: response.headers, body: bytes.toString('utf8'), bytes };
}
