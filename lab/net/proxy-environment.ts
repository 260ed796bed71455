/**
 * Which proxy a request uses, from its environment, as two different clients decide it:
 * - curl 7.81 (lib/url.c detect_proxy, check_noproxy): `<scheme>_proxy` lowercase, then uppercase except for
 *   http (HTTP_PROXY is ignored for http:// for CGI safety), then all_proxy/ALL_PROXY; no_proxy before NO_PROXY;
 *   NO_PROXY entries match the host or a dot-suffix of it, IP addresses only literally (CIDR came in 7.86).
 * - Go's net/http ProxyFromEnvironment (golang.org/x/net/http/httpproxy), which containerd and the k3s agent use:
 *   HTTP(S)_PROXY before lowercase, NO_PROXY with CIDRs, leading-dot domains and ports; loopback never proxied.
 */
type Env = Record<string, string | undefined>;

const get = (env: Env, ...names: string[]) => names.map((name) => env[name]).find((value) => value !== undefined && value !== '');

/** curl's proxy for `url`: `-x` wins over the environment, `--noproxy` over no_proxy. Undefined means direct. */
export function curlProxyFor(url: URL, env: Env, explicit: { proxy?: string; noProxy?: string } = {}): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const noProxy = explicit.noProxy ?? get(env, 'no_proxy', 'NO_PROXY');
  if (noProxy && curlNoProxyMatches(host, noProxy)) return undefined;
  if (explicit.proxy !== undefined) return explicit.proxy || undefined;
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const lower = `${scheme}_proxy`;
  const own = scheme === 'http' ? get(env, lower) : get(env, lower, lower.toUpperCase());
  return own ?? get(env, 'all_proxy', 'ALL_PROXY');
}

function curlNoProxyMatches(name: string, noProxy: string): boolean {
  if (noProxy.trim() === '*') return true;
  for (let token of noProxy.split(/[, ]+/).filter(Boolean)) {
    if (token.startsWith('.')) token = token.slice(1);
    if (token.length > name.length) continue;
    const tail = name.slice(name.length - token.length);
    if (tail.toLowerCase() !== token.toLowerCase()) continue;
    if (token.length === name.length || name[name.length - token.length - 1] === '.') return true;
  }
  return false;
}

/** Go's proxy for `url` (ProxyFromEnvironment). Undefined means direct. */
export function goProxyFor(url: URL, env: Env): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.startsWith('127.') || host === '::1') return undefined;
  const proxy = url.protocol === 'https:' ? get(env, 'HTTPS_PROXY', 'https_proxy') : get(env, 'HTTP_PROXY', 'http_proxy');
  if (!proxy) return undefined;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const noProxy = get(env, 'NO_PROXY', 'no_proxy') ?? '';
  return goNoProxyMatches(host, port, noProxy) ? undefined : proxy;
}

function goNoProxyMatches(host: string, port: string, noProxy: string): boolean {
  for (const raw of noProxy.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean)) {
    if (raw === '*') return true;
    if (raw.includes('/')) {
      if (inCidr(host, raw)) return true;
      continue;
    }
    const [entryHost, entryPort] = splitHostPort(raw);
    if (entryPort && entryPort !== port) continue;
    if (entryHost === host) return true;
    const suffix = entryHost.startsWith('*.') ? entryHost.slice(1) : entryHost.startsWith('.') ? entryHost : `.${entryHost}`;
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(entryHost) && host.endsWith(suffix)) return true;
  }
  return false;
}

function splitHostPort(entry: string): [string, string | undefined] {
  const match = /^(.*):(\d+)$/.exec(entry);
  return match && !match[1].includes(':') ? [match[1], match[2]] : [entry, undefined];
}

function inCidr(host: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const toNumber = (ip: string) => (/^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0) : undefined);
  const address = toNumber(host);
  const network = toNumber(base);
  const bits = Number(bitsText);
  if (address === undefined || network === undefined || !(bits >= 0 && bits <= 32)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(address / size) === Math.floor(network / size);
}

/** `http://192.168.2.5:3128` -> host and port (the scheme's default when none is given, 1080 as curl uses). */
export function proxyEndpoint(proxy: string): { host: string; port: number } {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
  const url = new URL(withScheme);
  const defaultPort = url.protocol === 'https:' ? 443 : 1080;
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || defaultPort) };
}
