import type { NodeContext } from '../../node-context';
import type { Route } from '../router';
import { requireThisNode } from './path-parameters';

const GiB = 1024 ** 3;

/** One entry of GET /nodes: a 16-core, 64 GiB host that has been up for a while. */
/** `sslFingerprint` is read per answer: the node's certificate can be replaced while it runs. */
export function nodeSummary(ctx: NodeContext, sslFingerprint: () => string): Record<string, unknown> {
  return {
    node: ctx.nodeName,
    status: 'online',
    cpu: 0.0213,
    maxcpu: 16,
    mem: 9 * GiB,
    maxmem: 64 * GiB,
    disk: 12 * GiB,
    maxdisk: 100 * GiB,
    uptime: 864000,
    level: '',
    ssl_fingerprint: sslFingerprint(),
  };
}

export function nodeRoutes(ctx: NodeContext, sslFingerprint: () => string): Route[] {
  return [
    {
      method: 'GET',
      path: '/nodes',
      handle: () => [{ ...nodeSummary(ctx, sslFingerprint), id: `node/${ctx.nodeName}`, type: 'node' }],
    },
    {
      method: 'GET',
      path: '/nodes/{node}',
      handle: ({ params }) => {
        requireThisNode(ctx, params.node);
        return ['lxc', 'qemu', 'status', 'storage', 'tasks', 'version'].map((subdir) => ({ subdir }));
      },
    },
  ];
}
