import { hasPrivilege, type Principal } from '../../access/auth';
import type { NodeContext } from '../../node-context';
import type { Route } from '../router';
import { verifyParameters } from '../schema/verify-parameters';
import { requireThisNode } from './path-parameters';

/** pve-manager API2/Network.pm $network_type_enum, and the two bridge filters. */
const TYPES = ['bridge', 'bond', 'eth', 'alias', 'vlan', 'OVSBridge', 'OVSBond', 'OVSPort', 'OVSIntPort', 'vnet', 'any_bridge', 'any_local_bridge'];

/**
 * GET /nodes/{node}/network (API2/Network.pm index): the node's interfaces but lo, optionally of one type
 * (`any_bridge` and `any_local_bridge` match every bridge); bridges only where the caller has SDN.Audit or SDN.Use
 * (on /sdn/zones/localnetwork/<bridge> or one of its VLANs, RPCEnvironment.pm check_sdn_bridge).
 */
export function networkRoutes(ctx: NodeContext): Route[] {
  return [
    {
      method: 'GET',
      path: '/nodes/{node}/network',
      handle: ({ params, principal }) => {
        verifyParameters(params, { node: { type: 'string' }, type: { type: 'string', optional: true, enum: TYPES } });
        requireThisNode(ctx, params.node);
        const filter = params.type;
        return ctx.interfaces
          .interfaces()
          .filter((entry) => !filter || entry.type === filter || (entry.type === 'bridge' && /^any(_local)?_bridge$/.test(filter)))
          .filter((entry) => entry.type !== 'bridge' || mayUseBridge(ctx, principal, entry.iface));
      },
    },
  ];
}

function mayUseBridge(ctx: NodeContext, principal: Principal, bridge: string): boolean {
  if (principal.userid === 'root@pam') return true;
  const path = `/sdn/zones/localnetwork/${bridge}`;
  const vlanPaths = ctx.users.aclPaths().filter((acl) => acl.startsWith(`${path}/`) && acl.split('/').length === path.split('/').length + 1);
  return [path, ...vlanPaths].some((candidate) => ['SDN.Audit', 'SDN.Use'].some((privilege) => hasPrivilege(principal, candidate, privilege)));
}
