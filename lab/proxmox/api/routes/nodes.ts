import { hasPrivilege, requirePrivilege, type Principal } from '../../access/auth';
import { HOST_KERNEL } from '../../../contracts/container-runtime';
import type { NodeContext } from '../../node-context';
import type { Route } from '../router';
import { verifyParameters } from '../schema/verify-parameters';
import { requireThisNode } from './path-parameters';
import { PVE_VERSION } from './version';

const GiB = 1024 ** 3;

/**
 * One node as GET /nodes and /cluster/resources list it (pve-manager API2Tools.pm extract_node_stats), with its size
 * and load from its capacity. Without Sys.Audit on /nodes/<node> the figures (uptime, cpu, mem, disk, maxcpu, maxmem,
 * maxdisk) are left out and only id, node, type, status and level remain.
 */
export function nodeSummary(node: NodeContext, principal: Principal): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: `node/${node.nodeName}`, node: node.nodeName, type: 'node', status: 'online', level: '' };
  if (!hasPrivilege(principal, `/nodes/${node.nodeName}`, 'Sys.Audit')) return entry;
  const { capacity } = node;
  return {
    ...entry,
    uptime: uptimeOf(node),
    cpu: 0.0213,
    mem: capacity.memoryUsedBytes,
    disk: 12 * GiB,
    maxcpu: capacity.cpus,
    maxmem: capacity.memoryBytes,
    maxdisk: 100 * GiB,
  };
}

export function nodeRoutes(ctx: NodeContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/nodes',
      // API2/Nodes.pm index: every member of the cluster, in get_nodelist's (hash) order.
      handle: ({ principal }) => ctx.cluster.nodes().map((node) => ({ ...nodeSummary(node, principal), ssl_fingerprint: node.sslFingerprint() })),
    },
    {
      method: 'GET',
      path: '/nodes/{node}',
      handle: ({ params }) => {
        requireThisNode(ctx, params.node);
        return ['lxc', 'network', 'qemu', 'status', 'storage', 'tasks', 'version'].map((subdir) => ({ subdir }));
      },
    },
    {
      method: 'GET',
      path: '/nodes/{node}/status',
      handle: ({ params, principal }) => {
        verifyParameters(params, { node: { type: 'string' } });
        requireThisNode(ctx, params.node);
        // API2/Nodes.pm status: `check => ['perm', '/nodes/{node}', ['Sys.Audit']]`, a 403 without it.
        requirePrivilege(principal, `/nodes/${ctx.nodeName}`, 'Sys.Audit');
        return nodeStatus(ctx);
      },
    },
  ];
}

/** Nodes.pm status: /proc figures of the node (its capacity), its kernel and pve-manager version. */
function nodeStatus(ctx: NodeContext): Record<string, unknown> {
  const { capacity } = ctx;
  return {
    uptime: uptimeOf(ctx),
    idle: 0,
    loadavg: ['0.21', '0.18', '0.15'],
    kversion: `Linux ${HOST_KERNEL.release} ${HOST_KERNEL.version}`,
    'current-kernel': { sysname: 'Linux', release: HOST_KERNEL.release, version: HOST_KERNEL.version, machine: 'x86_64' },
    'boot-info': { mode: 'efi', secureboot: 0 },
    cpuinfo: { model: 'AMD Ryzen 7 5800X 8-Core Processor', sockets: 1, cores: Math.max(1, capacity.cpus / 2), cpus: capacity.cpus, mhz: '3800.000', hvm: '1', flags: '', user_hz: 100 },
    cpu: 0.0213,
    wait: 0.0004,
    memory: { total: capacity.memoryBytes, used: capacity.memoryUsedBytes, free: capacity.memoryBytes - capacity.memoryUsedBytes },
    ksm: { shared: 0 },
    swap: { total: 8 * GiB, used: 0, free: 8 * GiB },
    pveversion: `pve-manager/${PVE_VERSION.version}/${PVE_VERSION.repoid}`,
    rootfs: { total: 100 * GiB, used: 12 * GiB, avail: 83 * GiB, free: 88 * GiB },
  };
}

function uptimeOf(node: NodeContext): number {
  return Math.floor((Date.now() - node.bootedAt) / 1000);
}
