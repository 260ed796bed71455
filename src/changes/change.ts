/** The systems a run may change, as the change record names them. */
export type ChangeSystem = 'proxmox' | 'proxmox-host' | 'guest' | 'kubernetes';

/**
 * One change to a system under test, in the operator's words: what was done to what, and the API call or command
 * that did it (secrets are masked when it is written down).
 */
export interface Change {
  system: ChangeSystem;
  /** A verb: create, start, stop, destroy, configure, install, delete, cordon, evict… */
  action: string;
  /** What was changed: `CT 102 (k3s-worker-01) on pve`, `pod default/acceptance-nginx-3f2a1c`, `node k3s-worker-01`. */
  target: string;
  /** The API call or command, as an operator would type or read it. */
  command: string;
}

/** Whether the system took the change: `done`, or `unknown` when the answer was lost (it may have). */
export type ChangeOutcome = 'done' | 'unknown' | `failed (${string})`;

/**
 * Where clients announce their writes. `begin` comes before the request and throws when this run may not make the
 * change (a read-only run); the write is then settled once the system has answered: `made`, or `refused` when the
 * system turned it down (a refusal is no change).
 */
export interface ChangeLog {
  begin(change: Change): PendingChange;
  /** Resolves once every write begun so far has been answered. */
  settled(): Promise<void>;
}

export interface PendingChange {
  made(outcome?: ChangeOutcome): void;
  refused(): void;
}

const NOTHING_PENDING: PendingChange = { made: () => {}, refused: () => {} };

/** For clients used outside a run (unit tests of one client): every change is allowed and forgotten. */
export const unrecordedChanges: ChangeLog = { begin: () => NOTHING_PENDING, settled: async () => {} };

/** A change a read-only run refused to make, before it reached the system. */
export class ReadOnlyViolation extends Error {
  constructor(readonly change: Change, reason: string) {
    super(`refused to ${change.action} ${change.target} (${change.system}): ${reason}`);
    this.name = 'ReadOnlyViolation';
  }
}
