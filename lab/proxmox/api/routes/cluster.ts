import { parameterError } from '../envelope';
import type { NodeContext } from '../../node-context';
import type { Route } from '../router';
import { vmidSpec } from '../schema/lxc-options';
import { verifyParameters } from '../schema/verify-parameters';
import { containerStatus } from './container-status';
import { nodeSummary } from './nodes';
import { storageSummary } from './storage';

/** How long pvestatd takes to notice a new guest; until then /cluster/resources shows it as `unknown`. */
const STATUS_REFRESH_MS = 10_000;

export function clusterRoutes(ctx: NodeContext, sslFingerprint: () => string): Route[] {
  return [
    {
      method: 'GET',
      path: '/cluster/nextid',
      handle: ({ params }) => {
        verifyParameters(params, { vmid: { ...vmidSpec, optional: true } });
        if (params.vmid !== undefined) {
          if (!ctx.store.has(parseInt(params.vmid, 10))) return params.vmid;
          throw parameterError({ vmid: `VM ${params.vmid} already exists` });
        }
        let id = 100;
        while (ctx.store.has(id)) id += 1;
        // Real nodes answer a string here, not a number.
        return String(id);
      },
    },
    {
      method: 'GET',
      path: '/cluster/resources',
      handle: ({ params }) => {
        verifyParameters(params, { type: { type: 'string', optional: true, enum: ['vm', 'storage', 'node', 'sdn'] } });
        const vms = ctx.store.vmids().map((vmid) => {
          const s = containerStatus(ctx, vmid);
          const fresh = Date.now() - (ctx.store.createdAt(vmid) ?? 0) < ctx.timing.duration(STATUS_REFRESH_MS);
          return {
            id: `lxc/${vmid}`,
            type: 'lxc',
            vmid,
            node: ctx.nodeName,
            name: s.name,
            status: fresh ? 'unknown' : s.status,
            maxcpu: s.cpus,
            cpu: s.cpu,
            maxmem: s.maxmem,
            mem: s.mem,
            maxdisk: s.maxdisk,
            disk: s.disk,
            uptime: s.uptime,
            template: 0,
            netin: 0,
            netout: 0,
            diskread: 0,
            diskwrite: 0,
            ...(s.lock ? { lock: s.lock } : {}),
            ...(s.tags ? { tags: s.tags } : {}),
          };
        });
        const node = { ...nodeSummary(ctx, sslFingerprint), id: `node/${ctx.nodeName}`, type: 'node' };
        const storages = ctx.storage.list().map((st) => ({ ...storageSummary(st), id: `storage/${ctx.nodeName}/${st.storage}`, type: 'storage', node: ctx.nodeName, status: 'available' }));
        const all: Array<Record<string, unknown>> = [...vms, node, ...storages];
        const wanted = params.type === 'vm' ? ['lxc', 'qemu'] : params.type ? [params.type] : undefined;
        return wanted ? all.filter((r) => wanted.includes(r.type as string)) : all;
      },
    },
  ];
}
