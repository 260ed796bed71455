import type { Evidence } from '../report/evidence';
import type { Target } from '../target/target';
import { CleanupLedger, describeResource } from './cleanup-ledger';
import { Removal, removalInstructions, removeTracked } from './remove-tracked';

/**
 * After a failure (or an interruption, which `after` names): everything the run created and did not keep as its result is removed, newest
 * first, so the same VMID, address and hostname can be used again. `keep` leaves it for inspection instead, says how
 * to remove it, and takes it off the ledger so the next run does not sweep what the operator is looking at.
 */
export async function settleAfterFailure(target: Target, ledger: CleanupLedger, keep: boolean, evidence: Evidence, after = 'the failure'): Promise<Removal[]> {
  // A create still travelling is absent now and present a moment later.
  await target.services.changes.settled();
  const open = ledger.open();
  if (!open.length) return [];
  if (keep) {
    evidence.note(
      `SUITE_KEEP_ON_FAILURE: keeping ${open.map(describeResource).join(', ')} for inspection. Remove them with:\n${removalInstructions(open)}`,
    );
    for (const resource of open) ledger.kept(resource);
    return [];
  }
  const removals = await removeTracked(target, ledger.run.runId, open, evidence, (resource) => ledger.removed(resource));
  const failed = removals.filter((removal) => removal.error);
  evidence.note(
    failed.length
      ? `cleanup left ${failed.map((removal) => describeResource(removal.resource)).join(', ')}; the next run on this target retries, or remove by hand:\n${removalInstructions(failed.map((removal) => removal.resource))}`
      : `cleaned up after ${after}: ${removals.map((removal) => `${describeResource(removal.resource)} ${removal.outcome}`).join('; ')}. Set SUITE_KEEP_ON_FAILURE=1 to keep them next time.`,
  );
  return removals;
}
