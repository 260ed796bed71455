import { hasPrivilege, requireAnyPrivilege } from '../../access/auth';
import type { NodeContext } from '../../node-context';
import type { Route } from '../router';
import type { StorageDefinition } from '../../node/storage';
import { verifyParameters } from '../schema/verify-parameters';
import { requireThisNode } from './path-parameters';

export function storageSummary(st: StorageDefinition): Record<string, unknown> {
  return {
    storage: st.storage,
    type: st.type,
    content: st.content.join(','),
    active: 1,
    enabled: 1,
    shared: st.shared ? 1 : 0,
    total: st.totalBytes,
    used: st.usedBytes,
    avail: st.totalBytes - st.usedBytes,
    used_fraction: st.usedBytes / st.totalBytes,
  };
}

export function storageRoutes(ctx: NodeContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/nodes/{node}/storage',
      handle: ({ params, principal }) => {
        verifyParameters(params, {
          node: { type: 'string' },
          content: { type: 'string', optional: true },
          storage: { type: 'string', optional: true },
          enabled: { type: 'boolean', optional: true },
          target: { type: 'string', optional: true },
          format: { type: 'boolean', optional: true },
        });
        requireThisNode(ctx, params.node);
        // pve-storage API2/Storage/Status.pm index lists only storages the caller may audit or allocate space on.
        return ctx.storage
          .list()
          .filter((st) => hasPrivilege(principal, `/storage/${st.storage}`, 'Datastore.Audit') || hasPrivilege(principal, `/storage/${st.storage}`, 'Datastore.AllocateSpace'))
          .filter((st) => !params.content || params.content.split(',').some((c) => st.content.includes(c)))
          .filter((st) => !params.storage || st.storage === params.storage)
          .map(storageSummary);
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/storage/{storage}/content',
      handle: ({ params, principal }) => {
        verifyParameters(params, {
          node: { type: 'string' },
          storage: { type: 'string' },
          content: { type: 'string', optional: true },
          vmid: { type: 'integer', optional: true },
        });
        requireThisNode(ctx, params.node);
        const st = ctx.storage.get(params.storage);
        // pve-storage API2/Storage/Content.pm index: either privilege will do.
        requireAnyPrivilege(principal, `/storage/${st.storage}`, ['Datastore.Audit', 'Datastore.AllocateSpace']);
        const volumes: Array<Record<string, unknown>> = [];
        if (st.content.includes('vztmpl')) volumes.push(...ctx.storage.templates().map((t) => ({ ...t })));
        if (st.content.includes('rootdir')) {
          // A shared storage holds every node's volumes; a local one only this node's.
          for (const node of st.shared ? ctx.cluster.nodes() : [ctx]) {
            for (const vmid of node.store.vmids()) {
              const rootfs = node.store.load(vmid).conf.options.rootfs ?? '';
              const m = rootfs.match(/^([^:]+):([^,]+)(?:.*size=(\d+)G)?/);
              if (m && m[1] === st.storage) volumes.push({ volid: `${m[1]}:${m[2]}`, format: 'raw', content: 'rootdir', vmid, size: Number(m[3] ?? 0) * 1024 ** 3 });
            }
            if (st.content.includes('images')) {
              for (const vmid of node.qemu.vmids()) {
                for (const [volume, size] of node.qemu.volumes(vmid, st.storage)) volumes.push({ volid: `${st.storage}:${volume}`, format: 'raw', content: 'images', vmid, size });
              }
            }
          }
          volumes.sort((a, b) => String(a.volid).localeCompare(String(b.volid)));
        }
        return volumes.filter((v) => !params.content || v.content === params.content).filter((v) => !params.vmid || v.vmid === Number(params.vmid));
      },
    },
  ];
}
