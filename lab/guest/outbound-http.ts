import type { VirtualNetwork } from '../net/virtual-network';
import { SYN_TIMEOUT_MS, type OutsideWorld } from '../net/outside-world';
import { proxyEndpoint } from '../net/proxy-environment';
import type { LabTiming } from '../timing';
import { TransportError, virtualRequest } from './virtual-https';

/** One HTTP request from a guest, to the story's LAN (an IP) or to a public name, directly or through a proxy. */
export interface OutboundRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  ca?: string;
  insecure?: boolean;
  /** The proxy URL the client chose (curl's or Go's rules, lab/net/proxy-environment.ts); undefined = direct. */
  proxy?: string;
  /** The client's own connect timeout in real milliseconds (curl --connect-timeout / -m); the kernel's is 131 s. */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** What went wrong, in the terms a client reports it (curl maps these to its exit codes). */
export type OutboundFailure =
  | { kind: 'resolve-host'; host: string }
  | { kind: 'resolve-proxy'; host: string }
  | { kind: 'connect'; host: string; port: number; reason: 'Connection refused' | 'No route to host' | 'Connection timed out' }
  | { kind: 'connect-timeout' }
  | { kind: 'proxy-connect'; status: number }
  | { kind: 'tls'; code: string }
  | { kind: 'reset' };

export class OutboundError extends Error {
  constructor(readonly failure: OutboundFailure) {
    super(failure.kind);
  }
}

export interface OutboundNetwork {
  network: VirtualNetwork;
  outside: OutsideWorld;
  timing: LabTiming;
}

const isIp = (host: string) => /^\d+\.\d+\.\d+\.\d+$/.test(host);
const defaultPort = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80));

/** Sends the request as the guest's network would carry it; rejects with an OutboundError for network failures. */
export async function outboundRequest(net: OutboundNetwork, request: OutboundRequest): Promise<OutboundResponse> {
  const url = new URL(request.url);
  if (request.proxy) return viaProxy(net, url, request);
  const host = url.hostname;
  if (isIp(host)) return lanRequest(net, request, host, defaultPort(url));
  const address = net.outside.resolve(host);
  if (!address) throw new OutboundError({ kind: 'resolve-host', host });
  if (net.outside.direct() === 'dropped') await dropped(net, request, host, defaultPort(url));
  return served(net, request, url);
}

async function viaProxy(net: OutboundNetwork, url: URL, request: OutboundRequest): Promise<OutboundResponse> {
  const proxy = proxyEndpoint(request.proxy!);
  if (!isIp(proxy.host) && !net.outside.resolve(proxy.host)) throw new OutboundError({ kind: 'resolve-proxy', host: proxy.host });
  if (!net.outside.isProxy(proxy.host, proxy.port)) {
    await unreachableLanHost(net, request, proxy.host, proxy.port);
    throw new OutboundError({ kind: 'reset' });
  }
  const port = defaultPort(url);
  if (url.protocol === 'https:' && net.outside.connectStatus(port) !== 200) throw new OutboundError({ kind: 'proxy-connect', status: 403 });
  if (isIp(url.hostname)) return lanRequest(net, request, url.hostname, port);
  // The proxy resolves the name itself; squid answers 503 when it cannot.
  if (!net.outside.resolve(url.hostname)) {
    if (url.protocol === 'https:') throw new OutboundError({ kind: 'proxy-connect', status: 503 });
    return { status: 503, headers: { 'content-type': 'text/html' }, body: Buffer.from('ERROR: The requested URL could not be retrieved\n') };
  }
  return served(net, request, url);
}

/** A LAN address: the virtual network's own answer (no route after the ARP timeout, refused, or the service). */
async function lanRequest(net: OutboundNetwork, request: OutboundRequest, host: string, port: number): Promise<OutboundResponse> {
  await unreachableLanHost(net, request, host, port);
  try {
    const response = await virtualRequest(net.network, { url: request.url, method: request.method, headers: request.headers, body: request.body, ca: request.ca, insecure: request.insecure, signal: request.signal });
    return { status: response.status, headers: response.headers, body: response.bytes };
  } catch (error) {
    const code = error instanceof TransportError ? error.code : 'EIO';
    if (code === 'ECONNREFUSED') throw new OutboundError({ kind: 'connect', host, port, reason: 'Connection refused' });
    if (code === 'EHOSTUNREACH') throw new OutboundError({ kind: 'connect', host, port, reason: 'No route to host' });
    if (code === 'EIO' || code === 'ECONNRESET') {
      if (request.signal?.aborted) throw error;
      throw new OutboundError({ kind: 'reset' });
    }
    throw new OutboundError({ kind: 'tls', code });
  }
}

/** No ARP answer for an address nobody holds: the kernel gives up after about three seconds. */
async function unreachableLanHost(net: OutboundNetwork, request: OutboundRequest, host: string, port: number): Promise<void> {
  if (!isIp(host) || net.network.hasHost(host)) return;
  await net.timing.wait(3000, request.signal);
  throw new OutboundError({ kind: 'connect', host, port, reason: 'No route to host' });
}

/** SYNs dropped by the firewall: the client's connect timeout or the kernel's, whichever comes first. */
async function dropped(net: OutboundNetwork, request: OutboundRequest, host: string, port: number): Promise<never> {
  const clientFirst = request.connectTimeoutMs !== undefined && request.connectTimeoutMs < SYN_TIMEOUT_MS;
  await net.timing.wait(clientFirst ? request.connectTimeoutMs! : SYN_TIMEOUT_MS, request.signal);
  throw new OutboundError(clientFirst ? { kind: 'connect-timeout' } : { kind: 'connect', host, port, reason: 'Connection timed out' });
}

async function served(net: OutboundNetwork, request: OutboundRequest, url: URL): Promise<OutboundResponse> {
  await net.timing.wait(50, request.signal);
  return net.outside.serve({ method: request.method ?? 'GET', url, headers: request.headers ?? {} });
}
