import type { HostKernel } from '../contracts/host-kernel';

/**
 * The kernel settings the kubelet wants (pkg/kubelet/cm/container_manager_linux.go setupKernelTunables, with
 * k8s.io/component-helpers/node/util/sysctl's values). k3s leaves --protect-kernel-defaults off, so the kubelet
 * writes (KernelTunableModify) every one that differs; the kubelet walks a Go map, so the real order varies.
 */
export const KUBELET_TUNABLES: ReadonlyArray<[name: string, value: string]> = [
  ['vm.overcommit_memory', '1'],
  ['vm.panic_on_oom', '0'],
  ['kernel.panic', '10'],
  ['kernel.panic_on_oops', '1'],
  ['kernel.keys.root_maxkeys', '1000000'],
  ['kernel.keys.root_maxbytes', '25000000'],
];

/** How a container reaches the host's sysctls: writable only with /proc/sys mounted rw, and as real root. */
export interface SysctlAccess {
  privileged: boolean;
  procSysWritable: boolean;
}

/**
 * Why writing a global sysctl from the container fails, as open(2) reports it, or undefined when it reaches the
 * host's kernel: /proc/sys read-only (LXC's proc:mixed) -> EROFS; rw but owned by an unmapped root (unprivileged
 * container) -> EACCES. These settings are not namespaced: a write changes them for the whole Proxmox node.
 */
export function sysctlWriteError(access: SysctlAccess): string | undefined {
  if (!access.procSysWritable) return 'read-only file system';
  return access.privileged ? undefined : 'permission denied';
}

/** The kubelet's setupKernelTunables: the flags it changed on the host, and the errors of those it could not. */
export function setupKernelTunables(kernel: HostKernel, access: SysctlAccess): { errors: Array<{ flag: string; error: string }> } {
  const errors: Array<{ flag: string; error: string }> = [];
  const refusal = sysctlWriteError(access);
  for (const [name, value] of KUBELET_TUNABLES) {
    if (kernel.read(name) === value) continue;
    const flag = name.replace(/\./g, '/');
    if (refusal) errors.push({ flag, error: `open /proc/sys/${flag}: ${refusal}` });
    else kernel.write(name, value);
  }
  return { errors };
}
