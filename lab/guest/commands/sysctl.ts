import { defineCommand, type Command } from 'just-bash';
import { writeOutput, type GuestView } from '../guest-view';
import { sysctlWriteError } from '../kernel-tunables';
import { lxcPrerequisites } from '../lxc-prerequisites';

/**
 * sysctl from procps-ng 3.3.17 for the kernel settings a container shares with its Proxmox node: `sysctl NAME`,
 * `-n`, `-w NAME=VALUE` (or NAME=VALUE). A write goes to the node's kernel when the container may write /proc/sys;
 * otherwise `sysctl: permission denied on key 'NAME'` (procps maps EROFS and EACCES alike).
 */
export function sysctlCommand(view: GuestView): Command {
  return defineCommand('sysctl', async (args) => {
    const kernel = view.host.kernel;
    const valuesOnly = args.includes('-n') || args.includes('--values');
    const names = args.filter((arg) => !arg.startsWith('-'));
    if (args.includes('-a') || args.includes('--all')) return writeOutput(kernel.all().map(([name, value]) => `${name} = ${value}\n`).join(''));
    let stdout = '';
    let stderr = '';
    const config = view.bootConfig();
    for (const name of names) {
      const at = name.indexOf('=');
      const key = at < 0 ? name : name.slice(0, at);
      if (kernel.read(key) === undefined) {
        stderr += `sysctl: cannot stat /proc/sys/${key.replace(/\./g, '/')}: No such file or directory\n`;
        continue;
      }
      if (at < 0) {
        stdout += valuesOnly ? `${kernel.read(key)}\n` : `${key} = ${kernel.read(key)}\n`;
        continue;
      }
      const refusal = sysctlWriteError({ privileged: !config.unprivileged, procSysWritable: lxcPrerequisites(config).procSysWritable });
      if (refusal) {
        stderr += `sysctl: permission denied on key '${key}'\n`;
        continue;
      }
      kernel.write(key, name.slice(at + 1).trim());
      stdout += valuesOnly ? `${kernel.read(key)}\n` : `${key} = ${kernel.read(key)}\n`;
    }
    return writeOutput(stdout, stderr, stderr ? 255 : 0);
  });
}
