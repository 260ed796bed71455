import { containerDescription, type RunOwner, SUITE_TAG } from '../cleanup/run-mark';
import { LxcCreateParameters } from '../proxmox/proxmox-node-client';
import { WorkerSpec } from '../spec/worker-spec';

/**
 * The create call an API token may make. Feature flags are left out: on a privileged container only root@pam may
 * set any of them (pve-container LXC.pm, check_ct_modify_config_perm), so they are applied on the host as root.
 * Privileged explicitly, because k3s needs it in LXC and PVE 9 defaults to unprivileged.
 */
export function lxcCreateParameters(spec: WorkerSpec, sshPublicKey: string, owner: RunOwner): LxcCreateParameters {
  return {
    vmid: spec.vmid,
    ostemplate: spec.template,
    hostname: spec.hostname,
    cores: spec.cores,
    memory: spec.memoryMiB,
    swap: 0,
    rootfs: `${spec.storage}:${spec.diskGiB}`,
    net0: `name=eth0,bridge=${spec.bridge},ip=${spec.ip}/${spec.prefix},gw=${spec.gateway}`,
    'ssh-public-keys': sshPublicKey,
    unprivileged: false,
    onboot: true,
    tags: SUITE_TAG,
    description: containerDescription(spec.hostname, owner),
  };
}

/** The host-side commands that finish the configuration as root: feature flags, then the raw LXC lines. */
export function hostConfigurationScript(spec: WorkerSpec): string {
  const features = Object.entries(spec.features).map(([key, value]) => `${key}=${value}`).join(',');
  const rawLines = spec.rawLxc.map(([key, value]) => `${key}: ${value}`.trimEnd()).join('\n');
  return [
    'set -e',
    features ? `pct set ${spec.vmid} --features ${features}` : '',
    rawLines ? `cat >> /etc/pve/lxc/${spec.vmid}.conf <<'LXC'\n${rawLines}\nLXC` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
