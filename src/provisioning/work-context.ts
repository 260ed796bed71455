import type { ResourceTracker } from '../cleanup/cleanup-ledger';
import type { RunOwner } from '../cleanup/run-mark';
import type { Evidence } from '../report/evidence';
import type { Target } from '../target/target';
import type { Waits } from '../waiting/waits';
import type { InstallChoice } from './install-choice';

/** Which run is acting, and how it tells whether another run that marked something is still going. */
export interface RunIdentity {
  owner: RunOwner;
  isLive(other: RunOwner): boolean;
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
}
