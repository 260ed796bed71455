import type { WorkerSpec } from './worker-spec';

/**
 * The kubelet's kernel tunables (kubelet pkg/kubelet/cm/container_manager_linux.go setupKernelTunables, with k3s's
 * protect-kernel-defaults off): it writes them at start wherever /proc/sys lets it.
 */
const KUBELET_SYSCTLS = 'kernel.panic=10, kernel.panic_on_oops=1, vm.overcommit_memory=1 and vm.panic_on_oom=0';

/**
 * What the raw LXC lines let the worker do to its Proxmox host, for the sign-off reader: a warning, not a refusal.
 * In a privileged container (the suite creates it so, as k3s needs) that drops no capabilities (`lxc.cap.drop:`
 * empty) and mounts /proc read-write (`lxc.mount.auto: proc:rw`, quoted or not: LXC's confile.c strips the quotes),
 * the kubelet's sysctl writes land in the host's own kernel, shared by every guest on the node.
 */
export function hostExposureWarnings(spec: WorkerSpec): string[] {
  const dropsNothing = spec.rawLxc.some(([key, value]) => key === 'lxc.cap.drop' && value.trim() === '');
  const mountAuto = spec.rawLxc.find(([key]) => key === 'lxc.mount.auto');
  const procWritable = mountAuto !== undefined && /(^|\s)proc:rw(\s|$)/.test(mountAuto[1].replace(/^(["'])(.*)\1$/, '$2'));
  if (!dropsNothing || !procWritable) return [];
  return [
    `the raw LXC lines \`lxc.cap.drop:\` (no capability dropped) and \`lxc.mount.auto: ${mountAuto![1]}\` (a writable /proc/sys) ` +
      `let this privileged container change its Proxmox host's kernel: when the k3s agent starts, the kubelet sets ${KUBELET_SYSCTLS} ` +
      `for the whole hypervisor, which from then on reboots on any kernel oops. On the host, \`sysctl kernel.panic kernel.panic_on_oops\` shows it. ` +
      'The story asks for these lines; this is what signing them off accepts.',
  ];
}
