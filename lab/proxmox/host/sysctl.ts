import { defineCommand, type Command } from 'just-bash';
import type { HostKernel } from '../../contracts/host-kernel';

/**
 * `sysctl` (procps-ng 4.0.2, Debian 12) over the node's kernel settings (HostKernel), which its privileged containers
 * may have changed: `sysctl NAME...` prints `NAME = value`, `-n` only the value, `-a` every setting the lab knows,
 * `-w NAME=value` (or a bare `NAME=value`) sets one. An unknown key: `sysctl: cannot stat /proc/sys/...: No such file
 * or directory`, exit 1 (sysctl.c ReadSetting).
 */
export function sysctlCommand(kernel: HostKernel): Command {
  return defineCommand('sysctl', async (args) => {
    let valuesOnly = false;
    let all = false;
    let write = false;
    const names: string[] = [];
    for (const arg of args) {
      if (/^-[a-zA-Z]+$/.test(arg)) {
        for (const flag of arg.slice(1)) {
          if (flag === 'n') valuesOnly = true;
          else if (flag === 'a' || flag === 'A' || flag === 'X') all = true;
          else if (flag === 'w') write = true;
          else if (flag !== 'q' && flag !== 'e' && flag !== 'N') return { stdout: '', stderr: `sysctl: invalid option -- '${flag}'\n`, exitCode: 1 };
        }
      } else names.push(arg);
    }
    const show = (name: string, value: string) => (valuesOnly ? `${value}\n` : `${name} = ${value}\n`);
    if (all) return { stdout: kernel.all().map(([name, value]) => show(name, value)).join(''), stderr: '', exitCode: 0 };
    let stdout = '';
    let stderr = '';
    let exitCode = 0;
    for (const item of names) {
      const assignment = item.match(/^([^=]+)=(.*)$/);
      const name = (assignment ? assignment[1] : item).trim().replace(/\//g, '.');
      const known = kernel.read(name);
      if (known === undefined) {
        stderr += `sysctl: cannot stat /proc/sys/${name.replace(/\./g, '/')}: No such file or directory\n`;
        exitCode = 1;
      } else if (assignment || write) {
        if (!assignment) return { stdout, stderr: `${stderr}sysctl: "${item}" must be of the form name=value\n`, exitCode: 1 };
        kernel.write(name, assignment[2].trim());
        stdout += show(name, assignment[2].trim());
      } else stdout += show(name, known);
    }
    return { stdout, stderr, exitCode };
  });
}
