import { requirePrivilege, type Principal } from './auth';
import { permissionError } from '../api/envelope';
import { parsePropertyString } from '../api/schema/property-string';
import { featuresFormat, netFormat } from '../api/schema/lxc-options';

/**
 * PVE::LXC::check_ct_modify_config_perm: root@pam may change anything; everyone else needs the matching
 * VM.Config.* privilege, and feature flags are mostly root-only (the rule that sends keyctl/fuse through SSH).
 */
export function checkConfigChangePermission(
  principal: Principal,
  vmid: number,
  oldOptions: Record<string, string> | undefined,
  changes: Record<string, string>,
  deleted: string[],
  unprivileged: boolean,
): void {
  if (principal.userid === 'root@pam') return;
  const vm = `/vms/${vmid}`;
  const check = (opt: string, isDelete: boolean) => {
    if (opt === 'cores' || opt === 'cpuunits' || opt === 'cpulimit') requirePrivilege(principal, vm, 'VM.Config.CPU');
    else if (opt === 'rootfs' || /^mp\d+$/.test(opt)) requirePrivilege(principal, vm, 'VM.Config.Disk');
    else if (opt === 'memory' || opt === 'swap') requirePrivilege(principal, vm, 'VM.Config.Memory');
    else if (/^net\d+$/.test(opt)) {
      requirePrivilege(principal, vm, 'VM.Config.Network');
      if (oldOptions?.[opt]) checkBridgeAccess(principal, oldOptions[opt]);
      if (!isDelete && changes[opt]) checkBridgeAccess(principal, changes[opt]);
    } else if (opt === 'nameserver' || opt === 'searchdomain' || opt === 'hostname') requirePrivilege(principal, vm, 'VM.Config.Network');
    else if (/^dev\d+$/.test(opt)) throw permissionError('configuring device passthrough is only allowed for root@pam');
    else if (opt === 'features') checkFeatureChange(principal, vm, oldOptions?.features, isDelete ? undefined : changes.features, isDelete, unprivileged);
    else if (opt === 'hookscript') throw permissionError('changing the hookscript is only allowed for root@pam');
    else requirePrivilege(principal, vm, 'VM.Config.Options');
  };
  for (const opt of Object.keys(changes)) check(opt, false);
  for (const opt of deleted) check(opt, true);
}

function checkFeatureChange(
  principal: Principal,
  vm: string,
  oldValue: string | undefined,
  newValue: string | undefined,
  isDelete: boolean,
  unprivileged: boolean,
): void {
  if (!unprivileged) throw permissionError('changing feature flags for privileged container is only allowed for root@pam');
  const parse = (v: string | undefined) => (v ? parsePropertyString(v, featuresFormat) : {});
  let nestingChanged = false;
  let otherChanged = false;
  const features = parse(isDelete ? oldValue : newValue);
  if (!isDelete && oldValue) {
    const old = parse(oldValue);
    for (const key of new Set([...Object.keys(old), ...Object.keys(features)])) {
      if ((old[key] ?? '') === (features[key] ?? '')) continue;
      if (key === 'nesting') nestingChanged = true;
      else otherChanged = true;
    }
  } else {
    const keys = Object.keys(features);
    if (keys.length === 1 && keys[0] === 'nesting') nestingChanged = true;
    else if (keys.length > 0) otherChanged = true;
  }
  if (otherChanged) throw permissionError('changing feature flags (except nesting) is only allowed for root@pam');
  if (nestingChanged) requirePrivilege(principal, vm, 'VM.Allocate');
}

/**
 * check_bridge_access (pve-container src/PVE/LXC.pm) -> check_vnet_access (pve-guest-common GuestHelpers.pm, PVE 8):
 * SDN.Use on the bridge's zone path, or on each VLAN the interface uses. The lab has no SDN VNets, so every bridge
 * is in the zone 'localnetwork'.
 */
function checkBridgeAccess(principal: Principal, net: string): void {
  const { bridge = '', tag, trunks } = parsePropertyString(net, netFormat);
  const zone = `/sdn/zones/localnetwork/${bridge}`;
  if (tag) requirePrivilege(principal, `${zone}/${tag}`, 'SDN.Use');
  for (const vlan of trunkTags(trunks)) requirePrivilege(principal, `${zone}/${vlan}`, 'SDN.Use');
  if (!tag && !trunks) requirePrivilege(principal, zone, 'SDN.Use');
}

/** `10;20-22` -> 10, 20, 21, 22, in order (GuestHelpers.pm get_tags_from_trunk; the checks go sorted by text). */
function trunkTags(trunks: string | undefined): string[] {
  const tags = new Set<string>();
  for (const trunk of (trunks ?? '').split(';').filter(Boolean)) {
    const [start, end] = trunk.split('-').map(Number);
    for (let t = start; t <= (end > start ? end : start); t += 1) tags.add(String(t));
  }
  return [...tags].sort();
}
