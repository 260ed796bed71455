import type { WorkerSpec } from '../spec/worker-spec';

/** A privilege the run's API token needs on one ACL path. */
export interface RequiredPrivilege {
  path: string;
  /** Any one of them will do (Proxmox checks some with check_any). */
  privileges: string[];
  /** The built-in role to grant for it (for the fix). */
  role: string;
  /** What the run does with it, in the operator's words. */
  use: string;
}

/**
 * What the calls the suite makes for this worker check on a PVE 8 node (pve-container 5.x, pve-storage 8.x,
 * pve-guest-common 5.x: the stable-bookworm branches), plus what PVE 9 adds. The parameters are those of
 * src/provisioning/lxc-parameters.ts; feature flags and raw lxc lines need none, root applies them over SSH.
 * Not seen here: a bridge that is an SDN VNet is checked in its own zone, not `localnetwork`; a datacenter.cfg that
 * restricts tags (user-tag-access, registered-tags) also wants Sys.Modify on / for the `k3s-acceptance` tag.
 */
export function requiredPrivileges(spec: WorkerSpec, pveMajor: number, node: string): RequiredPrivilege[] {
  const vm = `/vms/${spec.vmid}`;
  const ct = `CT ${spec.vmid}`;
  const templateStorage = spec.template.split(':')[0];
  const need = (path: string, privileges: string[], role: string, use: string): RequiredPrivilege => ({ path, privileges, role, use });
  return [
    // POST /nodes/{node}/lxc create_vm and DELETE /nodes/{node}/lxc/{vmid} destroy_vm (pve-container src/PVE/API2/LXC.pm)
    need(vm, ['VM.Allocate'], 'PVEVMAdmin', `create and destroy ${ct}`),
    // create_vm -> check_ct_modify_config_perm for cores (pve-container src/PVE/LXC.pm)
    need(vm, ['VM.Config.CPU'], 'PVEVMAdmin', `give ${ct} ${spec.cores} cores`),
    // create_vm -> check_ct_modify_config_perm for memory and swap (src/PVE/LXC.pm)
    need(vm, ['VM.Config.Memory'], 'PVEVMAdmin', `give ${ct} ${spec.memoryMiB} MiB memory`),
    // create_vm -> check_ct_modify_config_perm for rootfs (src/PVE/LXC.pm)
    need(vm, ['VM.Config.Disk'], 'PVEVMAdmin', `give ${ct} its root disk`),
    // create_vm -> check_ct_modify_config_perm for hostname and net0 (src/PVE/LXC.pm)
    need(vm, ['VM.Config.Network'], 'PVEVMAdmin', `set ${ct}'s hostname and net0`),
    // create_vm -> check_ct_modify_config_perm for onboot, description, and tags via assert_tag_permissions (pve-guest-common src/PVE/GuestHelpers.pm)
    need(vm, ['VM.Config.Options'], 'PVEVMAdmin', `set ${ct}'s onboot, tags and description`),
    // POST .../lxc/{vmid}/status/start and /stop: vm_start, vm_stop (pve-container src/PVE/API2/LXC/Status.pm)
    need(vm, ['VM.PowerMgmt'], 'PVEVMAdmin', `start ${ct}, and stop it to remove it`),
    // GET .../status/current (vm_status, API2/LXC/Status.pm) and .../config (vm_config, API2/LXC.pm): preflight and the read-back
    need(vm, ['VM.Audit'], 'PVEVMAdmin', `read ${ct}'s status and configuration`),
    // create_vm's check on the rootfs storage, and check_ct_modify_config_perm's for a new volume (API2/LXC.pm, LXC.pm)
    need(`/storage/${spec.storage}`, ['Datastore.AllocateSpace'], 'PVEDatastoreUser', `allocate ${ct}'s ${spec.diskGiB} GiB root disk`),
    // ostemplate: check_volume_access for a vztmpl volume (pve-storage src/PVE/Storage.pm); listing it: API2/Storage/Content.pm index
    need(`/storage/${templateStorage}`, ['Datastore.AllocateSpace', 'Datastore.Audit'], 'PVEDatastoreUser', `read the template ${spec.template}`),
    // GET /nodes gives maxcpu, maxmem and mem only with Sys.Audit on /nodes/<node> (pve-manager API2/Nodes.pm index,
    // API2Tools.pm extract_node_stats): without it the capacity check has nothing to compare
    need(`/nodes/${node}`, ['Sys.Audit'], 'PVEAuditor', `read node ${node}'s free cores and memory`),
    // net0: check_bridge_access -> check_vnet_access, since PVE 8.0 (src/PVE/LXC.pm, pve-guest-common src/PVE/GuestHelpers.pm)
    need(`/sdn/zones/localnetwork/${spec.bridge}`, ['SDN.Use'], 'PVESDNUser', `attach net0 to bridge ${spec.bridge}`),
    // a privileged CT, PVE 9 only: create_vm in pve-container 6.0 ("create/restore: require Sys.Modify for privileged containers")
    ...(pveMajor >= 9 ? [need('/', ['Sys.Modify'], 'Administrator', `create ${ct} privileged, as k3s needs (PVE 9)`)] : []),
  ];
}
