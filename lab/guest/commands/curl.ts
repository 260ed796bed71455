import { defineCommand, type Command } from 'just-bash';
import { writeOutput, type GuestView } from '../guest-view';
import { K3S_INSTALL_SCRIPT } from '../k3s-install-script';
import { TransportError, virtualRequest, type VirtualResponse } from '../virtual-https';

interface CurlOptions {
  url?: string;
  silent: boolean;
  showError: boolean;
  fail: boolean;
  insecure: boolean;
  output?: string;
  writeOut?: string;
  cacert?: string;
  method?: string;
  headers: Record<string, string>;
  data?: string;
  user?: string;
  maxTimeMs?: number;
}

/** Sites the lab serves itself because the guest has no internet: the k3s install script. */
const LAB_SITES: Record<string, string> = { 'https://get.k3s.io': K3S_INSTALL_SCRIPT, 'https://get.k3s.io/': K3S_INSTALL_SCRIPT };

/** curl with the options the suite uses, reaching virtual addresses and failing with curl's own codes and text. */
export function curlCommand(view: GuestView): Command {
  return defineCommand('curl', async (args, ctx) => {
    const parsed = parse(args);
    if ('error' in parsed) return writeOutput('', `curl: ${parsed.error}\ncurl: try 'curl --help' or 'curl --manual' for more information\n`, 2);
    const options = parsed;
    if (!options.url) return writeOutput('', "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n", 2);
    const started = Date.now();
    const fail = (code: number, message: string) =>
      writeOutput('', !options.silent || options.showError ? `curl: (${code}) ${message}\n` : '', code);

    let response: VirtualResponse;
    const lab = LAB_SITES[options.url];
    if (lab !== undefined) {
      response = { status: 200, headers: {}, body: lab };
    } else {
      let url: URL;
      try {
        url = new URL(options.url);
      } catch {
        return fail(3, 'URL using bad/illegal format or missing URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(1, `Protocol "${url.protocol.slice(0, -1)}" not supported or disabled in libcurl`);
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(url.hostname)) return fail(6, `Could not resolve host: ${url.hostname}`);
      const headers: Record<string, string> = { 'User-Agent': view.template.curlMajor >= 8 ? 'curl/8.5.0' : 'curl/7.81.0', Accept: '*/*', ...options.headers };
      if (options.user) headers.Authorization = `Basic ${Buffer.from(options.user).toString('base64')}`;
      if (options.data !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      const timeout = options.maxTimeMs !== undefined ? AbortSignal.timeout(options.maxTimeMs) : undefined;
      const signals = [ctx.signal, timeout].filter((s): s is AbortSignal => !!s);
      let ca: string | undefined;
      if (options.cacert) {
        const path = view.fs.resolvePath(ctx.cwd, options.cacert);
        if (!(await view.fs.exists(path))) return fail(77, `error setting certificate file: ${options.cacert}`);
        ca = await view.fs.readFile(path);
      }
      try {
        if (url.hostname && !view.network.hasHost(url.hostname)) {
          // No ARP answer: the kernel gives up after about three seconds.
          await view.timing.wait(3000, ctx.signal);
        }
        response = await virtualRequest(view.network, {
          url: options.url,
          method: options.method ?? (options.data !== undefined ? 'POST' : 'GET'),
          headers,
          body: options.data,
          ca,
          insecure: options.insecure,
          signal: signals.length ? AbortSignal.any(signals) : undefined,
        });
      } catch (error) {
        const elapsed = Date.now() - started;
        if (timeout?.aborted) return fail(28, `Operation timed out after ${elapsed} milliseconds with 0 bytes received`);
        if (ctx.signal?.aborted) return writeOutput('', '', 130);
        return fail(...transportFailure(error, url, elapsed, view.template.curlMajor));
      }
    }
    if (options.fail && response.status >= 400) return fail(22, `The requested URL returned error: ${response.status}`);
    let stdout = response.body;
    if (options.output && options.output !== '-') {
      if (options.output !== '/dev/null') await view.fs.writeFile(view.fs.resolvePath(ctx.cwd, options.output), response.body);
      stdout = '';
    }
    if (options.writeOut) stdout += writeOut(options.writeOut, response, options.url);
    return writeOutput(stdout);
  });
}

function transportFailure(error: unknown, url: URL, elapsedMs: number, curlMajor: 7 | 8): [number, string] {
  const code = error instanceof TransportError ? error.code : 'EIO';
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const connect = (reason: string): [number, string] => [
    7,
    `Failed to connect to ${url.hostname} port ${port} after ${elapsedMs} ms: ${curlMajor >= 8 ? "Couldn't connect to server" : reason}`,
  ];
  if (code === 'ECONNREFUSED') return connect('Connection refused');
  if (code === 'EHOSTUNREACH') return connect('No route to host');
  const tls: Record<string, string> = {
    SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to get local issuer certificate',
    CERT_HAS_EXPIRED: 'certificate has expired',
  };
  if (tls[code]) {
    return [60, `SSL certificate problem: ${tls[code]}\nMore details here: https://curl.se/docs/sslcerts.html\n\ncurl failed to verify the legitimacy of the server and therefore could not\nestablish a secure connection to it. To learn more about this situation and\nhow to fix it, please visit the web page mentioned above.`];
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return [60, `SSL: no alternative certificate subject name matches target host name '${url.hostname}'`];
  return [56, `Recv failure: Connection reset by peer`];
}

function writeOut(format: string, response: VirtualResponse, url: string): string {
  return format
    .replace(/%\{(http_code|response_code)\}/g, String(response.status).padStart(3, '0'))
    .replace(/%\{url_effective\}/g, url)
    .replace(/%\{content_type\}/g, String(response.headers['content-type'] ?? ''))
    .replace(/\\n/g, '\n');
}

function parse(args: string[]): CurlOptions | { error: string } {
  const options: CurlOptions = { silent: false, showError: false, fail: false, insecure: false, headers: {} };
  const withValue = new Set(['-o', '--output', '-w', '--write-out', '--cacert', '-X', '--request', '-H', '--header', '-d', '--data', '--data-binary', '--data-raw', '-u', '--user', '-m', '--max-time', '--connect-timeout', '--retry', '-A', '--user-agent']);
  for (let i = 0; i < args.length; i += 1) {
    let arg = args[i];
    const takeValue = () => {
      const value = args[++i];
      if (value === undefined) throw new Error(`option ${arg}: requires parameter`);
      return value;
    };
    try {
      if (/^-[a-zA-Z]{2,}$/.test(arg)) {
        // Short options cluster (-sfL); a value-taking option may end the cluster (-sSo file).
        const letters = [...arg.slice(1)];
        const last = letters.pop()!;
        for (const letter of letters) applyFlag(options, `-${letter}`);
        arg = `-${last}`;
      }
      if (!arg.startsWith('-')) options.url = arg;
      else if (withValue.has(arg)) applyValue(options, arg, takeValue());
      else if (arg.includes('=') && withValue.has(arg.split('=')[0])) applyValue(options, arg.split('=')[0], arg.slice(arg.indexOf('=') + 1));
      else if (!applyFlag(options, arg)) return { error: `option ${arg}: is unknown` };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }
  return options;
}

function applyFlag(options: CurlOptions, flag: string): boolean {
  switch (flag) {
    case '-s': case '--silent': options.silent = true; return true;
    case '-S': case '--show-error': options.showError = true; return true;
    case '-f': case '--fail': options.fail = true; return true;
    case '-k': case '--insecure': options.insecure = true; return true;
    case '-L': case '--location': case '-v': case '--verbose': case '-i': case '--compressed': case '-4': return true;
    default: return false;
  }
}

function applyValue(options: CurlOptions, flag: string, value: string): void {
  switch (flag) {
    case '-o': case '--output': options.output = value; break;
    case '-w': case '--write-out': options.writeOut = value; break;
    case '--cacert': options.cacert = value; break;
    case '-X': case '--request': options.method = value; break;
    case '-H': case '--header': {
      const at = value.indexOf(':');
      if (at > 0) options.headers[value.slice(0, at).trim()] = value.slice(at + 1).trim();
      break;
    }
    case '-d': case '--data': case '--data-binary': case '--data-raw': options.data = value; break;
    case '-u': case '--user': options.user = value; break;
    case '-m': case '--max-time': options.maxTimeMs = Number(value) * 1000; break;
    default: break; // --connect-timeout, --retry, -A: accepted; connects in the lab succeed or fail at once
  }
}
