import type { NodeContext } from '../../node-context';
import type { Route } from '../router';
import { requireThisNode } from './path-parameters';

/**
 * One node as GET /nodes and /cluster/resources list it (pve-manager API2Tools.pm extract_node_stats), with its
 * size and load from its capacity and the fingerprint of the certificate it serves now.
 */
export function nodeSummary(node: NodeContext): Record<string, unknown> {
  const { capacity } = node;
  return {
    id: `node/${node.nodeName}`,
    node: node.nodeName,
    type: 'node',
    status: 'online',
    cpu: 0.0213,
    maxcpu: capacity.cpus,
    mem: capacity.memoryUsedBytes,
    maxmem: capacity.memoryBytes,
    disk: 12 * 1024 ** 3,
    maxdisk: 100 * 1024 ** 3,
    uptime: 864000,
    level: '',
  };
}

export function nodeRoutes(ctx: NodeContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/nodes',
      // API2/Nodes.pm index: every member of the cluster, in get_nodelist's (hash) order.
      handle: () => ctx.cluster.nodes().map((node) => ({ ...nodeSummary(node), ssl_fingerprint: node.sslFingerprint() })),
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
