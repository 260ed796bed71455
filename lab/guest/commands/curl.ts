import { defineCommand, type Command } from 'just-bash';
import { curlProxyFor, proxyEndpoint } from '../../net/proxy-environment';
import type { IFileSystem } from 'just-bash';
import type { OutsideWorld } from '../../net/outside-world';
import type { VirtualNetwork } from '../../net/virtual-network';
import type { LabTiming } from '../../timing';
import { writeOutput } from '../guest-view';
import { OutboundError, outboundRequest, type OutboundFailure, type OutboundResponse } from '../outbound-http';
import { processEnvironment } from '../process-environment';
import { parseCurlArgs, type CurlOptions } from './curl-options';

type CommandContext = Parameters<Command['execute']>[1];

/** The end of one transfer: the last response (if any), the URL it came from, and curl's verdict. */
interface Transfer {
  response?: OutboundResponse;
  effectiveUrl: string;
  redirects: number;
  code: number;
  message?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * curl with the options install.sh and the suite use (-sSfL, -o, -w, -x, --noproxy, -m, --connect-timeout, --retry,
 * --cacert, -k, -H, -d, -u), reaching the LAN's addresses and the lab's outside world, honouring http_proxy,
 * HTTPS_PROXY, NO_PROXY as curl 7.81 reads them, and failing with curl's own exit codes and messages.
 */
/**
 * What curl needs of the machine it runs on: its curl's major version (messages differ from 8 on), its filesystem,
 * and how it reaches the LAN and the world. A guest is one; so is a Proxmox node's root shell (Debian 12's curl 7.88).
 */
export interface CurlHost {
  template: { curlMajor: number };
  fs: IFileSystem;
  timing: LabTiming;
  network: VirtualNetwork;
  outside: OutsideWorld;
}

export function curlCommand(view: CurlHost): Command {
  return defineCommand('curl', async (args, ctx) => {
    const options = parseCurlArgs(args);
    if ('error' in options) return writeOutput('', `curl: ${options.error}\ncurl: try 'curl --help' or 'curl --manual' for more information\n`, 2);
    if (!options.url) return writeOutput('', "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n", 2);
    const env = processEnvironment(ctx);
    const started = Date.now();
    let stderr = '';
    let transfer: Transfer;
    for (let attempt = 0; ; attempt += 1) {
      transfer = await perform(view, options, env, ctx, started);
      if (ctx.signal?.aborted) return writeOutput('', '', 130);
      const left = options.retries - attempt;
      if (left <= 0 || !retryable(transfer)) break;
      const delay = 2 ** attempt;
      if (!options.silent) stderr += `Warning: Problem : ${transfer.code === 0 ? 'HTTP error' : 'timeout'}. Will retry in ${delay} seconds. ${left} retries left.\n`;
      await view.timing.wait(delay * 1000, ctx.signal).catch(() => undefined);
    }
    return finish(view, options, transfer, ctx, stderr);
  });
}

async function perform(view: CurlHost, options: CurlOptions, env: Record<string, string>, ctx: CommandContext, started: number): Promise<Transfer> {
  const curl7 = view.template.curlMajor < 8;
  let url = options.url!;
  let redirects = 0;
  const timeout = options.maxTimeMs !== undefined ? AbortSignal.timeout(options.maxTimeMs) : undefined;
  const signals = [ctx.signal, timeout].filter((signal): signal is AbortSignal => !!signal);
  const connectTimeoutMs = Math.min(options.connectTimeoutMs ?? Infinity, options.maxTimeMs ?? Infinity);
  let ca: string | undefined;
  if (options.cacert) {
    const path = view.fs.resolvePath(ctx.cwd, options.cacert);
    if (!(await view.fs.exists(path))) return { effectiveUrl: url, redirects, code: 77, message: `error setting certificate file: ${options.cacert}` };
    ca = await view.fs.readFile(path);
  }
  for (;;) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { effectiveUrl: url, redirects, code: 3, message: 'URL using bad/illegal format or missing URL' };
    }
    // curl's URL parser normalises what it fetched (https://get.k3s.io -> https://get.k3s.io/).
    url = parsed.toString();
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return { effectiveUrl: url, redirects, code: 1, message: `Protocol "${parsed.protocol.slice(0, -1)}" not supported or disabled in libcurl` };
    }
    const proxy = curlProxyFor(parsed, env, { proxy: options.proxy, noProxy: options.noProxy });
    let response: OutboundResponse;
    try {
      response = await outboundRequest(view, {
        url,
        method: options.method ?? (options.data !== undefined ? 'POST' : 'GET'),
        headers: requestHeaders(options, view),
        body: options.data,
        ca,
        insecure: options.insecure,
        proxy,
        connectTimeoutMs: Number.isFinite(connectTimeoutMs) ? connectTimeoutMs : undefined,
        signal: signals.length ? AbortSignal.any(signals) : undefined,
      });
    } catch (error) {
      const elapsed = Date.now() - started;
      if (timeout?.aborted) return { effectiveUrl: url, redirects, code: 28, message: `Operation timed out after ${elapsed} milliseconds with 0 bytes received` };
      if (ctx.signal?.aborted || !(error instanceof OutboundError)) return { effectiveUrl: url, redirects, code: 130 };
      const failed = failure(error.failure, elapsed, curl7, proxy);
      return { effectiveUrl: url, redirects, ...failed };
    }
    const location = response.headers.location;
    if (options.location && REDIRECTS.has(response.status) && typeof location === 'string') {
      if (redirects >= options.maxRedirects) return { response, effectiveUrl: url, redirects, code: 47, message: `Maximum (${options.maxRedirects}) redirects followed` };
      url = new URL(location, url).toString();
      redirects += 1;
      continue;
    }
    if (options.fail && response.status >= 400) return { response, effectiveUrl: url, redirects, code: 22, message: `The requested URL returned error: ${response.status}` };
    return { response, effectiveUrl: url, redirects, code: 0 };
  }
}

function requestHeaders(options: CurlOptions, view: CurlHost): Record<string, string> {
  const headers: Record<string, string> = { 'User-Agent': options.userAgent ?? (view.template.curlMajor >= 8 ? 'curl/8.5.0' : 'curl/7.81.0'), Accept: '*/*', ...options.headers };
  if (options.user) headers.Authorization = `Basic ${Buffer.from(options.user).toString('base64')}`;
  if (options.data !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return headers;
}

/**
 * curl's code and text for a network failure (lib/hostip.c, lib/connect.c, lib/multi.c, lib/http_proxy.c):
 * the connect message names the proxy when one was in the way; 8.x prints "Couldn't connect to server" there.
 */
function failure(cause: OutboundFailure, elapsed: number, curl7: boolean, proxy: string | undefined): { code: number; message: string } {
  switch (cause.kind) {
    case 'resolve-host':
      return { code: 6, message: `Could not resolve host: ${cause.host}` };
    case 'resolve-proxy':
      return { code: 5, message: `Could not resolve proxy: ${cause.host}` };
    case 'connect': {
      const host = proxy ? proxyEndpoint(proxy).host : cause.host;
      const port = proxy ? proxyEndpoint(proxy).port : cause.port;
      const code = cause.reason === 'Connection timed out' ? 28 : 7;
      return { code, message: `Failed to connect to ${host} port ${port} after ${elapsed} ms: ${curl7 ? cause.reason : "Couldn't connect to server"}` };
    }
    case 'connect-timeout':
      return { code: 28, message: `Connection timed out after ${elapsed} milliseconds` };
    case 'proxy-connect':
      return { code: 56, message: curl7 ? `Received HTTP code ${cause.status} from proxy after CONNECT` : `CONNECT tunnel failed, response ${cause.status}` };
    case 'tls':
      return tlsFailure(cause.code);
    case 'reset':
      return { code: 56, message: 'Recv failure: Connection reset by peer' };
  }
}

function tlsFailure(code: string): { code: number; message: string } {
  const reasons: Record<string, string> = {
    SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to get local issuer certificate',
    CERT_HAS_EXPIRED: 'certificate has expired',
  };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { code: 60, message: 'SSL: no alternative certificate subject name matches target host name' };
  if (!reasons[code]) return { code: 35, message: `OpenSSL SSL_connect: SSL_ERROR_SYSCALL` };
  return {
    code: 60,
    message: `SSL certificate problem: ${reasons[code]}\nMore details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the web page mentioned above.`,
  };
}

/** curl retries timeouts and failed resolves (RETRY_TIMEOUT) and HTTP 408, 429, 500, 502, 503, 504 (tool_operate.c). */
function retryable(transfer: Transfer): boolean {
  if ([5, 6, 28].includes(transfer.code)) return true;
  const status = transfer.response?.status ?? 0;
  return [408, 429, 500, 502, 503, 504].includes(status);
}

async function finish(view: CurlHost, options: CurlOptions, transfer: Transfer, ctx: CommandContext, stderr: string) {
  let code = transfer.code;
  let message = transfer.message;
  let stdout: Buffer = Buffer.alloc(0);
  const body = transfer.response && code === 0 ? transfer.response.body : undefined;
  // -O names the file after the URL as given, not where redirects led (that needs -J).
  const outputName = options.output ?? (options.remoteName ? new URL(options.url!).pathname.split('/').pop() || 'curl_response' : undefined);
  if (body && outputName && outputName !== '-') {
    if (outputName !== '/dev/null') {
      const path = view.fs.resolvePath(ctx.cwd, outputName);
      const parent = path.replace(/\/[^/]*$/, '') || '/';
      if (options.createDirs) await view.fs.mkdir(parent, { recursive: true });
      if (!(await view.fs.exists(parent))) {
        if (!options.silent) stderr += `Warning: Failed to create the file ${outputName}: No such file or directory\n`;
        code = 23;
        message = 'Failure writing output to destination';
      } else await view.fs.writeFile(path, body);
    }
  } else if (body) stdout = body;
  if (code !== 0 && code !== 130 && (!options.silent || options.showError)) stderr += `curl: (${code}) ${message}\n`;
  const written = options.writeOut ? writeOut(options.writeOut, transfer, code, message, outputName) : '';
  const text = stdout.toString('utf8');
  const bytes = Buffer.from(text, 'utf8').equals(stdout) ? undefined : Buffer.concat([stdout, Buffer.from(written)]);
  if (bytes) return { stdout: bytes.toString('latin1'), stdoutKind: 'bytes' as const, stderr, exitCode: code };
  return writeOutput(text + written, stderr, code);
}

/** -w: the variables scripts use (curl's write-out), with \n, \r, \t escapes. */
function writeOut(format: string, transfer: Transfer, code: number, message: string | undefined, outputName: string | undefined): string {
  const response = transfer.response;
  const values: Record<string, string> = {
    url_effective: transfer.effectiveUrl,
    http_code: String(response?.status ?? 0).padStart(3, '0'),
    response_code: String(response?.status ?? 0).padStart(3, '0'),
    exitcode: String(code),
    errormsg: code === 0 ? '' : (message ?? ''),
    content_type: String(response?.headers['content-type'] ?? ''),
    size_download: String(code === 0 ? (response?.body.length ?? 0) : 0),
    num_redirects: String(transfer.redirects),
    redirect_url: REDIRECTS.has(response?.status ?? 0) && typeof response?.headers.location === 'string' ? new URL(response.headers.location, transfer.effectiveUrl).toString() : '',
    filename_effective: outputName ?? '',
  };
  return format
    .replace(/%\{([a-z_]+)\}/g, (all, name: string) => values[name] ?? all)
    .replace(/\\n/g, '\n')
    .replace(/\\r/g, '\r')
    .replace(/\\t/g, '\t');
}
