import { hasPrivilege, requirePrivilege } from '../../access/auth';
import { createContainer } from '../../guests/lxc-create';
import { readContainerConfig, updateContainerConfig } from '../../guests/lxc-config';
import { destroyContainer } from '../../guests/lxc-destroy';
import { changePowerState, type PowerAction } from '../../guests/lxc-power';
import type { NodeContext } from '../../node-context';
import type { Route } from '../router';
import { createParameters, updateParameters } from '../schema/lxc-options';
import { verifyParameters } from '../schema/verify-parameters';
import { containerStatus } from './container-status';
import { requireThisNode, verifyVmidCall } from './path-parameters';

const flag = { type: 'boolean', optional: true } as const;

export function lxcRoutes(ctx: NodeContext): Route[] {
  const powerRoute = (action: PowerAction): Route => ({
    method: 'POST',
    path: `/nodes/{node}/lxc/{vmid}/status/${action}`,
    handle: ({ params, principal }) => {
      const vmid = verifyVmidCall(ctx, params, {
        skiplock: flag,
        timeout: { type: 'integer', optional: true, minimum: 0 },
        forceStop: flag,
        'overrule-shutdown': flag,
        debug: flag,
      });
      return changePowerState(ctx, principal, vmid, action);
    },
  });
  return [
    {
      method: 'GET',
      path: '/nodes/{node}/lxc',
      handle: ({ params, principal }) => {
        verifyParameters(params, { node: { type: 'string' } });
        requireThisNode(ctx, params.node);
        // The real list silently leaves out CTs the caller may not audit (API2/LXC.pm vmlist).
        return ctx.store.vmids().filter((vmid) => hasPrivilege(principal, `/vms/${vmid}`, 'VM.Audit')).map((vmid) => containerStatus(ctx, vmid));
      },
    },
    {
      method: 'POST',
      path: '/nodes/{node}/lxc',
      handle: ({ params, principal }) => {
        verifyParameters(params, createParameters);
        requireThisNode(ctx, params.node);
        return createContainer(ctx, principal, params);
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/lxc/{vmid}',
      handle: ({ params }) => {
        const vmid = verifyVmidCall(ctx, params);
        ctx.store.load(vmid);
        return ['config', 'pending', 'status', 'interfaces', 'snapshot', 'firewall', 'rrd', 'rrddata'].map((subdir) => ({ subdir }));
      },
    },
    {
      method: 'DELETE',
      path: '/nodes/{node}/lxc/{vmid}',
      handle: ({ params, principal }) => {
        const vmid = verifyVmidCall(ctx, params, { force: flag, purge: flag, 'destroy-unreferenced-disks': flag });
        return destroyContainer(ctx, principal, vmid, {
          force: params.force === '1',
          purge: params.purge === '1',
          destroyUnreferencedDisks: params['destroy-unreferenced-disks'] === '1',
        });
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/lxc/{vmid}/config',
      handle: ({ params, principal }) => {
        const vmid = verifyVmidCall(ctx, params, { current: flag, snapshot: { type: 'string', optional: true } });
        requirePrivilege(principal, `/vms/${vmid}`, 'VM.Audit');
        return readContainerConfig(ctx, vmid);
      },
    },
    {
      method: 'PUT',
      path: '/nodes/{node}/lxc/{vmid}/config',
      handle: async ({ params, principal }) => {
        verifyParameters(params, updateParameters);
        requireThisNode(ctx, params.node);
        await updateContainerConfig(ctx, principal, parseInt(params.vmid, 10), params);
        return null;
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/lxc/{vmid}/status/current',
      handle: ({ params, principal }) => {
        const vmid = verifyVmidCall(ctx, params);
        requirePrivilege(principal, `/vms/${vmid}`, 'VM.Audit');
        return containerStatus(ctx, vmid);
      },
    },
    powerRoute('start'),
    powerRoute('stop'),
    powerRoute('shutdown'),
    powerRoute('reboot'),
    {
      method: 'GET',
      path: '/nodes/{node}/lxc/{vmid}/interfaces',
      handle: ({ params, principal }) => {
        const vmid = verifyVmidCall(ctx, params);
        requirePrivilege(principal, `/vms/${vmid}`, 'VM.Audit');
        ctx.store.load(vmid);
        // get_interfaces gives nothing for a stopped CT: the API answers data null.
        if (!ctx.runtime.isRunning(vmid)) return null;
        return [{ name: 'lo', hwaddr: '00:00:00:00:00:00', inet: '127.0.0.1/8', inet6: '::1/128' }, ...ctx.runtime.interfaces(vmid)];
      },
    },
  ];
}
