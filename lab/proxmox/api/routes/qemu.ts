import { hasPrivilege, requirePrivilege } from '../../access/auth';
import type { NodeContext } from '../../node-context';
import type { Route } from '../router';
import { vmidSpec } from '../schema/lxc-options';
import { verifyParameters } from '../schema/verify-parameters';
import { requireThisNode } from './path-parameters';

const MiB = 1024 ** 2;

/**
 * The QEMU VMs a node hosts, read-only (qemu-server PVE/API2/Qemu.pm vmlist, vm_config, vm_status): enough for a
 * client to see which VMIDs and addresses they hold. Creating or changing VMs is not emulated.
 */
export function qemuRoutes(ctx: NodeContext): Route[] {
  const vmidCall = (params: Record<string, string>, extra = {}) => {
    verifyParameters(params, { node: { type: 'string' }, vmid: vmidSpec, ...extra });
    requireThisNode(ctx, params.node);
    return parseInt(params.vmid, 10);
  };
  return [
    {
      method: 'GET',
      path: '/nodes/{node}/qemu',
      handle: ({ params, principal }) => {
        verifyParameters(params, { node: { type: 'string' }, full: { type: 'boolean', optional: true } });
        requireThisNode(ctx, params.node);
        // vmlist leaves out the VMs the caller may not audit.
        return ctx.qemu.vmids().filter((vmid) => hasPrivilege(principal, `/vms/${vmid}`, 'VM.Audit')).map((vmid) => vmStatus(ctx, vmid));
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/qemu/{vmid}',
      handle: ({ params }) => {
        const vmid = vmidCall(params);
        ctx.qemu.options(vmid);
        return ['config', 'pending', 'status', 'unlink', 'vncproxy', 'termproxy', 'migrate', 'resize', 'move', 'rrd', 'rrddata', 'monitor', 'agent', 'snapshot', 'spiceproxy', 'sendkey', 'firewall', 'mtunnel', 'remote_migrate'].map((subdir) => ({ subdir }));
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/qemu/{vmid}/config',
      handle: ({ params, principal }) => {
        const vmid = vmidCall(params, { current: { type: 'boolean', optional: true }, snapshot: { type: 'string', optional: true } });
        requirePrivilege(principal, `/vms/${vmid}`, 'VM.Audit');
        return ctx.qemu.config(vmid);
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/qemu/{vmid}/status/current',
      handle: ({ params, principal }) => {
        const vmid = vmidCall(params);
        requirePrivilege(principal, `/vms/${vmid}`, 'VM.Audit');
        const running = ctx.qemu.isRunning(vmid);
        return { ...vmStatus(ctx, vmid), qmpstatus: running ? 'running' : 'stopped', agent: 1, ha: { managed: 0 }, 'running-machine': 'pc-q35-9.0+pve0', 'running-qemu': '9.0.2' };
      },
    },
  ];
}

/** PVE::QemuServer::vmstatus for one VM. */
export function vmStatus(ctx: NodeContext, vmid: number): Record<string, unknown> {
  const options = ctx.qemu.options(vmid);
  const running = ctx.qemu.isRunning(vmid);
  const maxmem = Number(options.memory ?? 512) * MiB;
  return {
    vmid,
    name: options.name ?? `VM ${vmid}`,
    status: running ? 'running' : 'stopped',
    cpus: Number(options.sockets ?? 1) * Number(options.cores ?? 1),
    maxmem,
    mem: running ? Math.round(maxmem * 0.42) : 0,
    maxdisk: ctx.qemu.bootDiskBytes(vmid),
    disk: 0,
    cpu: running ? 0.0131 : 0,
    uptime: running ? Math.floor((Date.now() - ctx.qemu.startedAt(vmid)) / 1000) : 0,
    netin: 0,
    netout: 0,
    diskread: 0,
    diskwrite: 0,
    ...(running ? { pid: 20000 + vmid } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
  };
}
