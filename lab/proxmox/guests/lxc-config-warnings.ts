import { featuresFormat } from '../api/schema/lxc-options';
import { parsePropertyString } from '../api/schema/property-string';
import type { PctConfig } from './conf-file';

/**
 * What update_lxc_config warns about when it writes /var/lib/lxc/<vmid>/config at start (pve-container
 * src/PVE/LXC.pm make_seccomp_config, make_apparmor_config): a raw `lxc.seccomp.profile` or `lxc.apparmor.profile`
 * replaces what Proxmox would generate, so the features that only work through it no longer take effect. These are
 * Perl `warn`s, plain lines in the task log: they do not count as task warnings, and the start still ends OK.
 */
export function lxcConfigWarnings(conf: PctConfig): string[] {
  const features = parseFeatures(conf.options.features);
  const has = (key: string) => conf.lxc.some(([name]) => name === key);
  const warnings: string[] = [];
  const seccompOverridden = ['keyctl', 'mknod'].filter((feature) => features[feature] === '1');
  if (has('lxc.seccomp.profile') && seccompOverridden.length) {
    warnings.push(`explicitly configured lxc.seccomp.profile overrides the following settings: ${seccompOverridden.join(', ')}`);
  }
  // In make_apparmor_config's order: fuse, nesting, mount.
  const apparmorUses = [
    ...(features.fuse === '1' ? ['features:fuse'] : []),
    ...(features.nesting === '1' ? ['features:nesting'] : []),
    ...(features.mount ? ['features:mount'] : []),
  ];
  if (has('lxc.apparmor.profile') && apparmorUses.length) {
    warnings.push(`explicitly configured lxc.apparmor.profile overrides the following settings: ${apparmorUses.join(', ')}`);
  }
  return warnings;
}

function parseFeatures(value: string | undefined): Record<string, string> {
  if (!value) return {};
  try {
    return parsePropertyString(value, featuresFormat);
  } catch {
    return {};
  }
}
