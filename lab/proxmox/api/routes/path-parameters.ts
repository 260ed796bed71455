import { ApiError } from '../envelope';
import type { NodeContext } from '../../node-context';
import { vmidSpec } from '../schema/lxc-options';
import { verifyParameters } from '../schema/verify-parameters';
import type { Schema } from '../schema/property-spec';

/** A node other than this one would be proxied by a real cluster; a single node fails to resolve the name. */
export function requireThisNode(ctx: NodeContext, node: string): void {
  if (node !== ctx.nodeName) {
    throw new ApiError(500, `hostname lookup '${node}' failed - failed to get address info for: ${node}: Name or service not known`);
  }
}

/** Verifies a call's parameters (node and vmid included) and returns the VMID. */
export function verifyVmidCall(ctx: NodeContext, params: Record<string, string>, extra: Schema = {}): number {
  verifyParameters(params, { node: { type: 'string' }, vmid: vmidSpec, ...extra });
  requireThisNode(ctx, params.node);
  return parseInt(params.vmid, 10);
}
