import { ApiError, parameterError } from '../api/envelope';
import { hasPrivilege, requireAnyPrivilege, requirePrivilege, type Principal } from '../access/auth';
import { checkConfigChangePermission } from '../access/config-permissions';
import type { PctConfig } from './conf-file';
import { toGuestConfig } from './guest-config';
import { startLocked } from './lxc-power';
import { CREATE_LOCK_TIMEOUT_MS } from './config-lock';
import { createForeignContainer } from './foreign-container';
import { completeNetConfig } from './net-config';
import type { NodeContext } from '../node-context';
import { parsePropertyString, printPropertyString } from '../api/schema/property-string';
import { rootfsFormat } from '../api/schema/lxc-options';
import type { TaskLog } from '../node/tasks';

/** Parameters create_vm extracts before the rest become the container's options. */
const CREATE_ONLY = ['node', 'vmid', 'ostemplate', 'password', 'ssh-public-keys', 'storage', 'start', 'unprivileged', 'force', 'restore', 'unique', 'pool', 'ignore-unpack-errors', 'bwlimit', 'ha-managed'];

const NEW_DISK = /^(?:([^\s:]+):)?(\d+(?:\.\d+)?)$/;

/**
 * create_vm after parameter verification: the checks that answer before a UPID (permissions, VMID in use,
 * storages), then the config written at once with `lock: create`, then the vzcreate worker, which holds the
 * config lock for the whole creation.
 */
export async function createContainer(ctx: NodeContext, principal: Principal, params: Record<string, string>): Promise<string> {
  const vmid = parseInt(params.vmid, 10);
  ctx.faults.bindNextCreate(vmid);
  const takenBy = ctx.faults.takeVmidTaken();
  if (takenBy) await createForeignContainer(ctx, vmid, takenBy);
  // pve-cluster Cluster.pm check_vmid_unused, the first check of create_vm in pve-container 5.x (PVE 8): the
  // cluster's vmlist, so a VMID any node uses is refused, naming that node.
  const inUse = ctx.cluster.vmidInUse(vmid);
  if (inUse) throw new ApiError(500, inUse);
  requirePrivilege(principal, `/vms/${vmid}`, 'VM.Allocate');
  if (params.restore === '1') throw new ApiError(501, 'restore is not emulated by the lab');

  // PVE 8 creates privileged containers unless told otherwise (PVE 9 flipped the default to 1). PVE 8 asks no more
  // privileges for a privileged CT; PVE 9 (pve-container 6.0, "create/restore: require Sys.Modify for privileged
  // containers") wants Sys.Modify on / as well, which this PVE 8.4 node does not.
  const unprivileged = params.unprivileged === '1';

  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (!CREATE_ONLY.includes(key)) options[key] = value;
  checkConfigChangePermission(principal, vmid, undefined, options, [], unprivileged);

  const ostemplate = params.ostemplate;
  const templateStorage = ostemplate.match(/^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i)?.[1];
  if (!templateStorage) {
    if (principal.userid !== 'root@pam') throw new ApiError(500, 'Only root can pass arbitrary filesystem paths.');
  } else {
    ctx.storage.get(templateStorage);
    // pve-storage Storage.pm check_volume_access for a vztmpl volume: Datastore.Allocate, or read access at least.
    const path = `/storage/${templateStorage}`;
    if (!hasPrivilege(principal, path, 'Datastore.Allocate')) requireAnyPrivilege(principal, path, ['Datastore.AllocateSpace', 'Datastore.Audit']);
  }

  const storage = params.storage ?? 'local';
  const rootfs = options.rootfs ? parsePropertyString(options.rootfs, rootfsFormat) : { volume: `${storage}:4` };
  const newDisk = rootfs.volume.match(NEW_DISK);
  const diskStorage = newDisk ? newDisk[1] ?? storage : rootfs.volume.split(':')[0];
  const definition = ctx.storage.get(diskStorage);
  if (!definition.content.includes('rootdir')) {
    throw parameterError({ storage: `storage '${diskStorage}' does not support container directories` });
  }
  requirePrivilege(principal, `/storage/${diskStorage}`, 'Datastore.AllocateSpace');

  await reserveVmid(ctx, vmid);
  const plan: CreatePlan = { vmid, options, unprivileged, ostemplate, rootfs, newDiskGiB: newDisk ? parseFloat(newDisk[2]) : undefined, diskStorage, diskOnFiles: definition.type !== 'lvmthin', sshPublicKeys: params['ssh-public-keys'], startAfter: params.start === '1' };
  const worker = async (log: TaskLog) => {
    // A lock timeout here fails before $code runs: real create_vm then leaves the `lock: create` config behind.
    await ctx.locks.withLock(vmid, () => runCreate(ctx, plan, log), { log });
    if (plan.startAfter) await startLocked(ctx, vmid, log);
  };
  return ctx.tasks.start('vzcreate', String(vmid), principal.userid, worker, { undoOnFailure: () => ctx.store.remove(vmid) });
}

/**
 * create_and_lock_config: under the config lock (5 s), the VMID check again and the `lock: create` config. Its
 * errors carry create's prefix: `unable to create CT 102 - can't lock file '...' - got timeout`.
 */
async function reserveVmid(ctx: NodeContext, vmid: number): Promise<void> {
  try {
    await ctx.locks.withLock(
      vmid,
      () => {
        const inUse = ctx.cluster.vmidInUse(vmid);
        if (inUse) throw new Error(inUse);
        ctx.store.write(vmid, { options: { lock: 'create' }, lxc: [] });
      },
      { timeoutMs: CREATE_LOCK_TIMEOUT_MS },
    );
  } catch (error) {
    throw new ApiError(500, `unable to create CT ${vmid} - ${error instanceof Error ? error.message : String(error)}`);
  }
}

interface CreatePlan {
  vmid: number;
  options: Record<string, string>;
  unprivileged: boolean;
  ostemplate: string;
  rootfs: Record<string, string>;
  newDiskGiB?: number;
  diskStorage: string;
  /** A directory-based storage (dir, nfs) holds a raw image file instead of a logical volume. */
  diskOnFiles: boolean;
  sshPublicKeys?: string;
  startAfter: boolean;
}

async function runCreate(ctx: NodeContext, plan: CreatePlan, log: TaskLog): Promise<void> {
  const { vmid } = plan;
  const disk = plan.diskOnFiles ? `${vmid}/vm-${vmid}-disk-0.raw` : `vm-${vmid}-disk-0`;
  let diskCreated = false;
  try {
    const rootfs = { ...plan.rootfs };
    if (plan.newDiskGiB !== undefined) {
      await ctx.timing.wait(2000);
      // pve-storage Plugin.pm alloc_image runs qemu-img create on directory storages; LVM-thin prints lvcreate's line.
      if (plan.diskOnFiles) log.log(`Formatting '/mnt/pve/${plan.diskStorage}/images/${disk}', fmt=raw size=${Math.round(plan.newDiskGiB * 1024 ** 3)} preallocation=off`);
      else log.log(`  Logical volume "${disk}" created.`);
      const blocks = Math.round(plan.newDiskGiB * 262144);
      log.log(`Creating filesystem with ${blocks} 4k blocks and ${Math.round(plan.newDiskGiB * 65536)} inodes`);
      diskCreated = true;
      rootfs.volume = `${plan.diskStorage}:${disk}`;
      rootfs.size = `${plan.newDiskGiB}G`;
    }
    // restore_archive → abs_filesystem_path: a template that is not on the storage fails inside the task.
    if (!ctx.storage.templateExists(plan.ostemplate)) throw new Error(`can't find file '${plan.ostemplate}'`);
    const file = plan.ostemplate.replace(/^[^:]+:vztmpl\//, '');
    log.log(`extracting archive '/var/lib/vz/template/cache/${file}'`);

    const { description, ...options } = plan.options;
    // The description is written as `#` comment lines at the top of the file, not as an option.
    const conf: PctConfig = { options, lxc: [], ...(description !== undefined ? { description } : {}) };
    for (const key of Object.keys(conf.options)) if (/^net\d+$/.test(key)) conf.options[key] = completeNetConfig(conf.options[key]);
    conf.options.rootfs = printPropertyString(rootfs, ['volume']);
    if (plan.unprivileged) conf.options.unprivileged = '1';
    // create_vm's defaults, applied when the config is written.
    conf.options.hostname ??= `CT${vmid}`;
    conf.options.memory ??= '512';
    conf.options.swap ??= '512';

    const created = await Promise.all([
      ctx.runtime.create({ config: toGuestConfig(vmid, conf), ostemplate: plan.ostemplate, sshPublicKeys: plan.sshPublicKeys }),
      ctx.timing.wait(15000),
    ]).then(([result]) => result);
    log.log(`Total bytes read: 542883840 (518MiB, 151MiB/s)`);
    log.log(`Detected container architecture: ${created.architecture}`);
    conf.options.arch = created.architecture;
    conf.options.ostype ??= file.split(/[-_]/)[0] || 'unmanaged';
    for (const key of created.hostKeys) {
      log.log(`Creating SSH host key 'ssh_host_${key.type}_key' - this may take some time ...`);
      await ctx.timing.wait(1000);
      log.log(`done: ${key.fingerprint} root@${conf.options.hostname}`);
    }
    ctx.store.write(vmid, conf);
  } catch (error) {
    if (diskCreated && !plan.diskOnFiles) log.log(`  Logical volume "${disk}" successfully removed.`);
    ctx.store.remove(vmid);
    await ctx.runtime.destroy(vmid).catch(() => undefined);
    throw new Error(`unable to create CT ${vmid} - ${error instanceof Error ? error.message : String(error)}`);
  }
}
