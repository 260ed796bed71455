import { hasPrivilege, requirePrivilege } from '../../access/auth';
import { parameterError } from '../envelope';
import type { NodeContext } from '../../node-context';
import type { Route } from '../router';
import type { StorageDefinition } from '../../node/storage';
import { vmidSpec } from '../schema/lxc-options';
import { verifyParameters } from '../schema/verify-parameters';
import { byText } from '../../access/user-config';
import { containerStatus } from './container-status';
import { vmStatus } from './qemu';
import { nodeSummary } from './nodes';

/** How long pvestatd takes to notice a new guest; until then /cluster/resources shows it as `unknown`. */
const STATUS_REFRESH_MS = 10_000;

/** pve-manager PVE/API2/Cluster.pm: the calls every node answers alike from the cluster's shared state. */
export function clusterRoutes(ctx: NodeContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/cluster/nextid',
      handle: ({ params }) => {
        verifyParameters(params, { vmid: { ...vmidSpec, optional: true } });
        const taken = new Set(ctx.cluster.vmlist().map((entry) => entry.vmid));
        if (params.vmid !== undefined) {
          if (!taken.has(parseInt(params.vmid, 10))) return params.vmid;
          throw parameterError({ vmid: `VM ${params.vmid} already exists` });
        }
        let id = 100;
        while (taken.has(id)) id += 1;
        // Real nodes answer a string here, not a number.
        return String(id);
      },
    },
    {
      method: 'GET',
      path: '/cluster/status',
      handle: ({ principal }) => {
        // Cluster.pm get_status: `check => ['perm', '/', ['Sys.Audit']]`.
        requirePrivilege(principal, '/', 'Sys.Audit');
        return clusterStatus(ctx);
      },
    },
    {
      method: 'GET',
      path: '/cluster/resources',
      // Cluster.pm resources: each kind filtered by what the caller may see (VM.Audit per guest, Datastore.Audit per
      // storage, SDN.Audit on the zone); nodes are all listed, with their figures only under Sys.Audit.
      handle: ({ params, principal }) => {
        verifyParameters(params, { type: { type: 'string', optional: true, enum: ['vm', 'storage', 'node', 'sdn', 'pool'] } });
        const wanted = (type: string) => !params.type || params.type === type;
        const nodes = ctx.cluster.nodes();
        const sdn = hasPrivilege(principal, '/sdn/zones/localnetwork', 'SDN.Audit') ? nodes : [];
        return [
          ...(wanted('vm') ? guestResources(ctx).filter((guest) => hasPrivilege(principal, `/vms/${guest.vmid}`, 'VM.Audit')) : []),
          ...(wanted('node') ? nodes.map((node) => nodeSummary(node, principal)) : []),
          ...(wanted('storage') ? storageResources(nodes).filter((st) => hasPrivilege(principal, `/storage/${st.storage}`, 'Datastore.Audit')) : []),
          ...(wanted('sdn') ? sdn.map((node) => ({ id: `sdn/${node.nodeName}/localnetwork`, sdn: 'localnetwork', node: node.nodeName, type: 'sdn', status: 'ok' })) : []),
        ];
      },
    },
  ];
}

/**
 * Cluster.pm get_status: a node in no cluster answers one entry for itself (nodeid 0); a cluster's member first
 * the cluster, then each member in hash order with its corosync nodeid and whether it is the one answering.
 */
function clusterStatus(ctx: NodeContext): Array<Record<string, unknown>> {
  const self = { type: 'node', id: `node/${ctx.nodeName}`, name: ctx.nodeName };
  if (!ctx.cluster.name) return [{ ...self, ip: ctx.hostIp, local: 1, nodeid: 0, online: 1, level: '' }];
  const members = ctx.cluster.nodes();
  return [
    { type: 'cluster', id: 'cluster', nodes: members.length, version: members.length, name: ctx.cluster.name, quorate: 1 },
    ...members.map((node) => ({
      type: 'node',
      id: `node/${node.nodeName}`,
      name: node.nodeName,
      nodeid: ctx.cluster.nodeId(node.nodeName),
      local: node === ctx ? 1 : 0,
      online: 1,
      ip: node.hostIp,
      level: '',
    })),
  ];
}

/** Every guest of the cluster (API2Tools.pm extract_vm_stats), sorted as `sort keys %$idlist` sorts VMIDs (as text). */
function guestResources(ctx: NodeContext): Array<Record<string, unknown>> {
  const entries = ctx.cluster.vmlist().sort((a, b) => byText(String(a.vmid), String(b.vmid)));
  return entries.map(({ vmid, node: nodeName, type }) => {
    const node = ctx.cluster.node(nodeName)!;
    const s = type === 'qemu' ? vmStatus(node, vmid) : containerStatus(node, vmid);
    const fresh = type === 'lxc' && Date.now() - (node.store.createdAt(vmid) ?? 0) < node.timing.duration(STATUS_REFRESH_MS);
    return {
      id: `${type}/${vmid}`,
      type,
      vmid,
      node: nodeName,
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
}

/** Cluster.pm resources: per storage id (storage_ids sorts them), one entry for each node that has it. */
function storageResources(nodes: NodeContext[]): Array<Record<string, unknown>> {
  const ids = [...new Set(nodes.flatMap((node) => node.storage.list().map((st) => st.storage)))].sort();
  return ids.flatMap((id) =>
    nodes.flatMap((node) => {
      const st = node.storage.list().find((candidate) => candidate.storage === id);
      return st ? [storageResource(node.nodeName, st)] : [];
    }),
  );
}

/** API2Tools.pm extract_storage_stats. */
function storageResource(node: string, st: StorageDefinition): Record<string, unknown> {
  return {
    id: `storage/${node}/${st.storage}`,
    storage: st.storage,
    node,
    type: 'storage',
    plugintype: st.type,
    status: 'available',
    shared: st.shared ? 1 : 0,
    content: st.content.join(','),
    maxdisk: st.totalBytes,
    disk: st.usedBytes,
  };
}
