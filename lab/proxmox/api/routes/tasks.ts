import type { NodeContext } from '../../node-context';
import { DataWithExtras, type Route } from '../router';
import { verifyParameters } from '../schema/verify-parameters';
import { requireThisNode } from './path-parameters';

const upidParams = { node: { type: 'string' }, upid: { type: 'string', maxLength: 256 } } as const;

export function taskRoutes(ctx: NodeContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/nodes/{node}/tasks',
      handle: ({ params }) => {
        requireThisNode(ctx, params.node);
        const all = ctx.tasks.list().filter((t) => !params.vmid || t.id === params.vmid);
        const start = Number(params.start ?? 0);
        const limit = Number(params.limit ?? 50);
        return new DataWithExtras(all.slice(start, start + limit), { total: all.length });
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/tasks/{upid}/status',
      handle: ({ params }) => {
        verifyParameters(params, upidParams);
        requireThisNode(ctx, params.node);
        return ctx.tasks.status(params.upid);
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/tasks/{upid}/log',
      handle: ({ params }) => {
        verifyParameters(params, {
          ...upidParams,
          start: { type: 'integer', optional: true, minimum: 0 },
          limit: { type: 'integer', optional: true, minimum: 0 },
          download: { type: 'boolean', optional: true },
        });
        requireThisNode(ctx, params.node);
        const { lines, total } = ctx.tasks.log(params.upid, Number(params.start ?? 0), Number(params.limit ?? 50));
        return new DataWithExtras(lines, { total });
      },
    },
  ];
}
