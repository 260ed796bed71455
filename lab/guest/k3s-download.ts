import { createHash, randomBytes } from 'node:crypto';
import type { GuestView } from './guest-view';

const BIN_DIR = '/usr/local/bin';

/** What download_and_verify needs from the installer around it. */
export interface InstallerSteps {
  info(message: string): void;
  fatal(message: string): never;
  /** Runs a command in the installer's environment (its curl sees the same HTTPS_PROXY, NO_PROXY, ...). */
  run(command: string): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  /** Text the installer's children print to its stderr (curl's -S message while finding the release). */
  passStderr(text: string): void;
  /** Called while the binary downloads (the installer's longest step), for the lab's connection-drop fault. */
  whileDownloadingBinary?(): void;
  signal?: AbortSignal;
}

/**
 * install.sh's download_and_verify (k3s-io/k3s install.sh): setup_tmp, get_release_version, download_hash,
 * installed_hash_matches, download_binary, verify_binary, setup_binary, with the same commands: the version comes
 * from the last path segment of the channel URL's effective URL (`curl -w '%{url_effective}' -L -s -S URL -o
 * /dev/null`, cut with sed), so a failed lookup still yields the channel's name, and every download is `curl -o FILE -sfL URL` ending in
 * `[ERROR]  Download failed` when curl fails.
 */
export async function downloadAndVerify(view: GuestView, env: Record<string, string>, steps: InstallerSteps): Promise<void> {
  const githubUrl = env.GITHUB_URL || 'https://github.com/k3s-io/k3s/releases';
  const tmpDir = `/tmp/k3s-install.${randomBytes(8).toString('base64url').replace(/[-_]/g, 'x').slice(0, 10)}`;
  await view.fs.mkdir(tmpDir, { recursive: true });
  try {
    const version = await releaseVersion(env, steps);
    steps.info(`Using ${version} as release`);

    const hashUrl = `${githubUrl}/download/${version}/sha256sum-amd64.txt`;
    steps.info(`Downloading hash ${hashUrl}`);
    await download(steps, `${tmpDir}/k3s.hash`, hashUrl);
    const sums = await view.fs.readFile(`${tmpDir}/k3s.hash`);
    const expected = (sums.split('\n').find((line) => / k3s$/.test(line)) ?? '').split(/[ \t]/)[0];

    if ((await isExecutable(view, `${BIN_DIR}/k3s`)) && sha256(await view.fs.readFileBuffer(`${BIN_DIR}/k3s`)) === expected) {
      steps.info('Skipping binary downloaded, installed k3s matches hash');
      return;
    }

    const binUrl = `${githubUrl}/download/${version}/k3s`;
    steps.info(`Downloading binary ${binUrl}`);
    steps.whileDownloadingBinary?.();
    await view.timing.wait(6000, steps.signal);
    await download(steps, `${tmpDir}/k3s.bin`, binUrl);

    steps.info('Verifying binary download');
    const binary = await view.fs.readFileBuffer(`${tmpDir}/k3s.bin`);
    const actual = sha256(binary);
    if (expected !== actual) steps.fatal(`Download sha256 does not match ${expected}, got ${actual}`);

    steps.info(`Installing k3s to ${BIN_DIR}/k3s`);
    await view.fs.mkdir(BIN_DIR, { recursive: true });
    await view.fs.writeFile(`${BIN_DIR}/k3s`, binary);
    await view.fs.chmod(`${BIN_DIR}/k3s`, 0o755);
  } finally {
    await view.fs.rm(tmpDir, { recursive: true, force: true });
  }
}

/** get_release_version: INSTALL_K3S_VERSION as given, else the last path segment of the channel's effective URL. */
async function releaseVersion(env: Record<string, string>, steps: InstallerSteps): Promise<string> {
  if (env.INSTALL_K3S_VERSION) return env.INSTALL_K3S_VERSION;
  const channel = env.INSTALL_K3S_CHANNEL || 'stable';
  const channelUrl = env.INSTALL_K3S_CHANNEL_URL || 'https://update.k3s.io/v1-release/channels';
  steps.info(`Finding release for channel ${channel}`);
  const lookup = await steps.run(`curl -w '%{url_effective}' -L -s -S ${channelUrl}/${channel} -o /dev/null`);
  steps.passStderr(lookup.stderr);
  return lookup.stdout.replace(/^.*\//s, '').replace(/\n$/, '');
}

/** install.sh's download(): `curl -o $1 -sfL $2`, and `fatal 'Download failed'` on any failure. */
async function download(steps: InstallerSteps, file: string, url: string): Promise<void> {
  const result = await steps.run(`curl -o ${file} -sfL ${url}`);
  if (result.exitCode !== 0) steps.fatal('Download failed');
}

function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** `[ -x FILE ]`: a regular file with an execute bit. */
export async function isExecutable(view: GuestView, path: string): Promise<boolean> {
  if (!(await view.fs.exists(path))) return false;
  const stat = await view.fs.stat(path);
  return stat.isFile && (stat.mode & 0o111) !== 0;
}
