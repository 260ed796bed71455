import type { ResourceTracker } from '../cleanup/cleanup-ledger';
import type { RunWatch } from '../cleanup/run-liveness';
import type { RunOwner } from '../cleanup/run-mark';
import type { Evidence } from '../report/evidence';
import type { Target } from '../target/target';
import type { Waits } from '../waiting/waits';
import type { InstallChoice } from './install-choice';
import type { NodePlacement } from './node-placement';
import type { WorkerSpec } from '../spec/worker-spec';
import type { NodeAccess } from '../target/node-access';

/** Which run is acting, and how it tells whether another run is still going and what it is creating. */
export interface RunIdentity extends RunWatch {
  owner: RunOwner;
}

/**
 * What every task is handed: where it acts, how long it may wait, where its evidence goes, where it announces what it
 * is about to create, and which run it is.
 */
export interface WorkContext {
  target: Target;
  waits: Waits;
  evidence: Evidence;
  tracker: ResourceTracker;
  run: RunIdentity;
  /** The k3s release the agent gets and why, decided once per target (a channel resolves once). */
  installChoice(): Promise<InstallChoice>;
  /** The Proxmox node a worker is built on and why, decided once per worker (src/provisioning/node-placement.ts). */
  placement(spec: WorkerSpec): Promise<NodePlacement>;
}

/** The node a worker is (to be) built on: its API and root shell. */
export async function workerNode(ctx: Pick<WorkContext, 'target' | 'placement'>, spec: WorkerSpec): Promise<NodeAccess> {
  return ctx.target.node((await ctx.placement(spec)).node);
}
