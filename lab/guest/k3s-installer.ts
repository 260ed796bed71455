import { createHash } from 'node:crypto';
import { defineCommand, type Command } from 'just-bash';
import type { GuestView } from './guest-view';
import { downloadAndVerify, isExecutable } from './k3s-download';
import { currentProcess } from './process-context';
import { processEnvironment } from './process-environment';

const BIN_DIR = '/usr/local/bin';

class InstallerExit extends Error {
  constructor(readonly exitCode: number) {
    super(`installer exited ${exitCode}`);
  }
}

/**
 * The k3s install.sh steps for an agent (k3s-io/k3s install.sh): same checks, same `[INFO]  `/`[ERROR]  ` lines,
 * same files. Like the real one it ends with `systemctl restart k3s-agent`, which for a Type=notify unit blocks
 * until the agent is ready: with a wrong token or an unreachable server it never returns on its own.
 */
export function k3sInstallerCommand(view: GuestView): Command {
  return defineCommand('k3s-lab-install', async (args, ctx) => {
    const env = processEnvironment(ctx);
    let stdout = '';
    let stderr = '';
    // echo into an SSH channel the client has closed: EPIPE, and sh dies of SIGPIPE (nothing traps it).
    const write = () => {
      const context = currentProcess();
      if (context?.channel?.closed && context.process.writesToChannel) throw new InstallerExit(141);
    };
    const info = (message: string) => {
      write();
      stdout += `[INFO]  ${message}\n`;
    };
    const fatal = (message: string): never => {
      write();
      stderr += `[ERROR]  ${message}\n`;
      throw new InstallerExit(1);
    };
    const run = (command: string) => ctx.exec!(command, { cwd: ctx.cwd, env, signal: ctx.signal });
    const fs = view.fs;
    try {
      // --- setup_env ---
      const words = [...(env.INSTALL_K3S_EXEC ?? '').split(/\s+/).filter(Boolean), ...args];
      let command: string;
      if (!words.length || words[0].startsWith('-')) {
        if (!env.K3S_URL) command = 'server';
        else {
          if (!env.K3S_TOKEN && !env.K3S_TOKEN_FILE) {
            fatal("Defaulted k3s exec command to 'agent' because K3S_URL is defined, but K3S_TOKEN or K3S_TOKEN_FILE is not defined.");
          }
          command = 'agent';
        }
      } else command = words.shift()!;
      if (env.K3S_URL && !env.K3S_URL.startsWith('https://')) fatal(`Only https:// URLs are supported for K3S_URL (have ${env.K3S_URL})`);
      if (command !== 'agent') fatal(`the lab guest emulates k3s agents only (asked to install '${command}')`);
      const systemName = env.INSTALL_K3S_NAME ? `k3s-${env.INSTALL_K3S_NAME}` : 'k3s-agent';
      const serviceFile = `/etc/systemd/system/${systemName}.service`;
      const envFile = `${serviceFile}.env`;
      const hashed = [`${BIN_DIR}/k3s`, serviceFile, envFile];
      const preInstall = await installedHashes(view, hashed);

      // --- download_and_verify ---
      if (env.INSTALL_K3S_SKIP_DOWNLOAD === 'true' || env.INSTALL_K3S_SKIP_DOWNLOAD === 'binary') {
        info('Skipping k3s download and verify');
        if (!(await isExecutable(view, `${BIN_DIR}/k3s`))) fatal(`Executable k3s binary not found at ${BIN_DIR}/k3s`);
      } else {
        const whileDownloadingBinary = () => hangUpIfArmed(view);
        await downloadAndVerify(view, env, { info, fatal, run, passStderr: (text) => (stderr += text), whileDownloadingBinary, signal: ctx.signal });
      }

      // --- setup_selinux: no SELinux on Debian/Ubuntu ---
      info('Skipping installation of SELinux RPM');

      // --- create_symlinks ---
      for (const tool of ['kubectl', 'crictl', 'ctr']) {
        const path = `${BIN_DIR}/${tool}`;
        if (await fs.exists(path)) info(`Skipping ${path} symlink to k3s, already exists`);
        else {
          info(`Creating ${path} symlink to k3s`);
          await fs.symlink(`${BIN_DIR}/k3s`, path);
        }
      }

      // --- create_killall, create_uninstall ---
      info(`Creating killall script ${BIN_DIR}/k3s-killall.sh`);
      await writeExecutable(view, `${BIN_DIR}/k3s-killall.sh`, '#!/bin/sh\nk3s-lab-killall\n');
      const uninstall = `${BIN_DIR}/${systemName}-uninstall.sh`;
      info(`Creating uninstall script ${uninstall}`);
      await writeExecutable(view, uninstall, `#!/bin/sh\nset -x\nk3s-lab-uninstall ${systemName}\n`);

      // --- systemd_disable: a reinstall starts from a disabled unit ---
      await run(`systemctl disable ${systemName} >/dev/null 2>&1 || true`);

      // --- create_env_file: the K3S_*/CONTAINERD_* variables, then any (NO|HTTP|HTTPS)_PROXY in either case (grep -Ei),
      // each group sorted as `sh -c export` lists them, mode 0600 ---
      info(`env: Creating environment file ${envFile}`);
      const exported = (pattern: RegExp) => Object.keys(env).filter((key) => pattern.test(key)).sort()
        .map((key) => `${key}='${env[key].replace(/'/g, `'\\''`)}'`);
      const lines = [...exported(/^(K3S|CONTAINERD)_/), ...exported(/^(NO|HTTP|HTTPS)_PROXY/i)];
      await fs.mkdir('/etc/systemd/system', { recursive: true });
      await fs.writeFile(envFile, lines.map((line) => `${line}\n`).join(''));
      await fs.chmod(envFile, 0o600);

      // --- create_service_file ---
      info(`systemd: Creating service file ${serviceFile}`);
      await fs.writeFile(serviceFile, serviceUnit(envFile, [command, ...words]));
      await fs.chmod(serviceFile, 0o644);

      // --- service_enable_and_start ---
      info(`systemd: Enabling ${systemName} unit`);
      const enable = await run(`systemctl enable ${serviceFile} >/dev/null`);
      stderr += enable.stderr;
      await run('systemctl daemon-reload >/dev/null');
      if (env.INSTALL_K3S_SKIP_START === 'true') return { stdout, stderr, exitCode: 0 };
      const postInstall = await installedHashes(view, hashed);
      if (preInstall === postInstall && env.INSTALL_K3S_FORCE_RESTART !== 'true') {
        info('No change detected so skipping service start');
        return { stdout, stderr, exitCode: 0 };
      }
      info(`systemd: Starting ${systemName}`);
      const restart = await run(`systemctl restart ${systemName}`);
      stdout += restart.stdout;
      stderr += restart.stderr;
      return { stdout, stderr, exitCode: restart.exitCode };
    } catch (error) {
      if (error instanceof InstallerExit) return { stdout, stderr, exitCode: error.exitCode };
      if (ctx.signal?.aborted) return { stdout, stderr, exitCode: 130 };
      throw error;
    }
  });
}

/**
 * Lab fault: the SSH connection drops during the binary download (the installer's longest step). sshd signals
 * nothing (no pty): the download goes on, and the installer dies of SIGPIPE at its next `[INFO]` line ("Verifying
 * binary download"), before installing anything, so a rerun starts from scratch.
 */
function hangUpIfArmed(view: GuestView): void {
  const context = currentProcess();
  if (!context?.connection || !context.channel || !view.faults.takeDropSshDuringInstall()) return;
  context.connection.hangUp();
  context.channel.closed = true;
}

async function installedHashes(view: GuestView, paths: string[]): Promise<string> {
  const hashes: string[] = [];
  for (const path of paths) {
    hashes.push((await view.fs.exists(path)) ? createHash('sha256').update(await view.fs.readFileBuffer(path)).digest('hex') : 'missing');
  }
  return hashes.join(' ');
}

async function writeExecutable(view: GuestView, path: string, content: string): Promise<void> {
  await view.fs.writeFile(path, content);
  await view.fs.chmod(path, 0o755);
}

/** install.sh's create_service_file for an agent, verbatim apart from the ExecStart arguments. */
function serviceUnit(envFile: string, execArgs: string[]): string {
  return `[Unit]
Description=Lightweight Kubernetes
Documentation=https://k3s.io
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-${envFile}
KillMode=process
Delegate=yes
User=root
# Having non-zero Limit*s causes performance problems due to accounting overhead
# in the kernel. We recommend using cgroups to do container-local accounting.
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=${BIN_DIR}/k3s \\
    ${execArgs[0]} \\
${execArgs.slice(1).map((arg) => `\t'${arg}' \\\n`).join('')}

`;
}
