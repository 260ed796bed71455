import { defineCommand, type Command } from 'just-bash';
import { binaryRelease } from '../../net/k3s-release-assets';
import { k3sRelease } from '../../net/k3s-releases';
import { writeOutput, type GuestView } from '../guest-view';

const BIN = '/usr/local/bin';

/** The installed k3s binary and its symlinks, plus the killall and uninstall scripts install.sh writes. */
export function k3sToolCommands(view: GuestView): Command[] {
  const installed = (tool: string) => view.fs.exists(`${BIN}/${tool}`);
  const missing = (tool: string) => writeOutput('', `bash: ${tool}: command not found\n`, 127);
  return [
    defineCommand('k3s', async (args) => {
      if (!(await installed('k3s'))) return missing('k3s');
      return runK3sBinary(view, `${BIN}/k3s`, args);
    }),
    // What the stand-in binary's script calls with its own path: `./k3s --version` works on a copied binary too.
    defineCommand('k3s-lab-binary', async ([path, ...args], ctx) => runK3sBinary(view, view.fs.resolvePath(ctx.cwd, path ?? `${BIN}/k3s`), args)),
    defineCommand('kubectl', async () => ((await installed('kubectl')) ? kubectlOnAgent() : missing('kubectl'))),
    defineCommand('crictl', async () => ((await installed('crictl')) ? writeOutput('', 'the lab guest does not emulate crictl\n', 1) : missing('crictl'))),
    defineCommand('ctr', async () => ((await installed('ctr')) ? writeOutput('', 'the lab guest does not emulate ctr\n', 1) : missing('ctr'))),
    defineCommand('k3s-lab-killall', async () => {
      for (const unit of ['k3s-agent.service', 'k3s.service']) await view.systemd.stop(unit);
      return writeOutput('');
    }),
    defineCommand('k3s-lab-uninstall', async (args, ctx) => {
      const name = args[0] ?? 'k3s-agent';
      const unit = `${name}.service`;
      await view.systemd.stop(unit);
      const trace: string[] = [];
      const remove = async (path: string) => {
        trace.push(`+ rm -rf ${path}`);
        if (await view.fs.exists(path)) await view.fs.rm(path, { recursive: true, force: true });
      };
      trace.push(`+ systemctl disable ${name}`);
      await ctx.exec!(`systemctl disable ${name} >/dev/null 2>&1 || true`, { cwd: ctx.cwd });
      // containerd's store goes with /var/lib/rancher/k3s.
      view.images.clear();
      for (const path of [
        `/etc/systemd/system/${unit}`, `/etc/systemd/system/${unit}.env`, `${BIN}/kubectl`, `${BIN}/crictl`, `${BIN}/ctr`,
        '/etc/rancher/k3s', '/run/k3s', '/run/flannel', '/var/lib/rancher/k3s', '/var/lib/kubelet', `${BIN}/k3s`,
        `${BIN}/k3s-killall.sh`, `${BIN}/${name}-uninstall.sh`,
      ]) await remove(path);
      return writeOutput('', trace.join('\n') + '\n');
    }),
  ];
}

/** The k3s binary at `path` run with `args`: `--version` prints its release as k3s does (cmd/k3s version). */
async function runK3sBinary(view: GuestView, path: string, args: string[]) {
  const version = binaryRelease(await view.fs.readFileBuffer(path).catch(() => Buffer.alloc(0)));
  if (!version) return writeOutput('', `bash: ${path}: cannot execute binary file: Exec format error\n`, 126);
  if (args[0] === '--version' || args[0] === '-v' || args[0] === 'version') {
    const release = k3sRelease(version);
    return writeOutput(`k3s version ${version} (${release.commit})\ngo version ${release.goVersion}\n`);
  }
  if (args[0] === 'kubectl') return kubectlOnAgent();
  return writeOutput('', `the lab guest runs k3s only as the k3s-agent service (asked: k3s ${args.join(' ')})\n`, 1);
}

/** An agent has no kubeconfig: k3s kubectl falls back to localhost:8080, as on a real worker. */
function kubectlOnAgent() {
  return writeOutput('', 'The connection to the server localhost:8080 was refused - did you specify the right host or port?\n', 1);
}
