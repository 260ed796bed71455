/** curl 7.81's command line, as far as the guest's curl acts on it. */
export interface CurlOptions {
  url?: string;
  silent: boolean;
  showError: boolean;
  fail: boolean;
  location: boolean;
  insecure: boolean;
  createDirs: boolean;
  remoteName: boolean;
  output?: string;
  writeOut?: string;
  cacert?: string;
  method?: string;
  headers: Record<string, string>;
  data?: string;
  user?: string;
  userAgent?: string;
  proxy?: string;
  noProxy?: string;
  /** Real milliseconds. */
  maxTimeMs?: number;
  connectTimeoutMs?: number;
  retries: number;
  maxRedirects: number;
}

const WITH_VALUE = new Set([
  '-o', '--output', '-w', '--write-out', '--cacert', '-X', '--request', '-H', '--header', '-d', '--data', '--data-binary',
  '--data-raw', '-u', '--user', '-m', '--max-time', '--connect-timeout', '--retry', '-A', '--user-agent', '-x', '--proxy',
  '--noproxy', '--max-redirs', '--retry-delay', '--retry-max-time',
]);

/** Parses curl's arguments; `{ error }` carries curl's own complaint (exit 2). */
export function parseCurlArgs(args: string[]): CurlOptions | { error: string } {
  const options: CurlOptions = { silent: false, showError: false, fail: false, location: false, insecure: false, createDirs: false, remoteName: false, headers: {}, retries: 0, maxRedirects: 50 };
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
        for (const letter of letters) if (!applyFlag(options, `-${letter}`)) return { error: `option -${letter}: is unknown` };
        arg = `-${last}`;
      }
      if (!arg.startsWith('-') || arg === '-') options.url = arg;
      else if (WITH_VALUE.has(arg)) applyValue(options, arg, takeValue());
      else if (arg.includes('=') && WITH_VALUE.has(arg.split('=')[0])) applyValue(options, arg.split('=')[0], arg.slice(arg.indexOf('=') + 1));
      else if (/^-[owXHdumxA]./.test(arg) && WITH_VALUE.has(arg.slice(0, 2))) applyValue(options, arg.slice(0, 2), arg.slice(2));
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
    case '-L': case '--location': options.location = true; return true;
    case '-k': case '--insecure': options.insecure = true; return true;
    case '-O': case '--remote-name': options.remoteName = true; return true;
    case '--create-dirs': options.createDirs = true; return true;
    case '-v': case '--verbose': case '-i': case '--include': case '--compressed': case '-4': case '-#': case '--progress-bar': case '--no-progress-meter': return true;
    default: return false;
  }
}

function applyValue(options: CurlOptions, flag: string, value: string): void {
  const seconds = () => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0) throw new Error(`expected a proper numerical parameter`);
    return number * 1000;
  };
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
    case '-A': case '--user-agent': options.userAgent = value; break;
    case '-x': case '--proxy': options.proxy = value; break;
    case '--noproxy': options.noProxy = value; break;
    case '-m': case '--max-time': options.maxTimeMs = seconds(); break;
    case '--connect-timeout': options.connectTimeoutMs = seconds(); break;
    case '--retry': options.retries = Math.floor(seconds() / 1000); break;
    case '--max-redirs': options.maxRedirects = Number(value); break;
    default: break; // --retry-delay, --retry-max-time: accepted, the lab's retries back off as curl's default does
  }
}
