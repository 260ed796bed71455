import { rmSync } from 'node:fs';
import type { Evidence } from '../report/evidence';
import type { Target } from '../target/target';
import { describeResource, findLeftovers, processAlive, readLedgerFiles, recordSwept } from './cleanup-ledger';
import { removeTracked } from './remove-tracked';

/**
 * At the start of a run: what crashed runs on the same target left behind is removed, each resource only if it still
 * carries that run's mark. A ledger whose every resource is settled is deleted; one with failures stays for the next
 * run. Returns one line per resource for the operator.
 */
export async function sweepLeftovers(target: Target, dir: string, targetId: string, evidence: Evidence): Promise<string[]> {
  const lines: string[] = [];
  for (const leftover of findLeftovers(dir, targetId)) {
    const removals = await removeTracked(target, leftover.run.runId, leftover.open, evidence, (resource) => recordSwept(leftover, resource));
    for (const removal of removals) {
      lines.push(`leftover of run ${leftover.run.runId} (pid ${leftover.run.pid}, ${leftover.run.startedAt}): ${describeResource(removal.resource)} ${removal.outcome ?? `could not be removed: ${removal.error}`}`);
    }
    if (removals.every((removal) => !removal.error)) rmSync(leftover.file, { force: true });
  }
  return lines;
}

/** An embedded lab dies with the process that ran it, and so does everything a crashed run left in it. */
export function forgetDeadLabRuns(dir: string, isLabTarget: (target: string) => boolean): void {
  for (const { file, run } of readLedgerFiles(dir)) {
    if (isLabTarget(run.target) && !processAlive(run.pid)) rmSync(file, { force: true });
  }
}
