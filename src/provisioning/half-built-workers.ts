import { Evidence } from './evidence';
import { removalInstructions, removeWorker } from './remove-worker';
import { Target } from './target';
import { WorkerBuild } from './worker-build';

/**
 * The failure policy for half-built workers: a container this run created (the VMID was recorded the moment the
 * create call returned) whose worker never became a Ready node is removed the k3s way, with its Node and
 * node-password secret, so the hostname can join again — unless `keep` asks to leave it for inspection, in which case
 * the commands that remove it are noted. A worker that reached Ready is the story's result and stays.
 * It goes by the run's record, not by what a build finished: a create that succeeded before a later step failed
 * left a container even though the build never got hold of it.
 */
export async function settleHalfBuiltWorkers(
  target: Target,
  builds: WorkerBuild[],
  createdThisRun: Set<number>,
  keep: boolean,
  evidence: Evidence,
): Promise<void> {
  for (const build of builds) {
    const worker = { vmid: build.spec.vmid, hostname: build.spec.hostname };
    if (build.ready || !createdThisRun.has(worker.vmid)) continue;
    if (keep) {
      evidence.note(`SUITE_KEEP_ON_FAILURE: keeping half-built CT ${worker.vmid} (${worker.hostname}) for inspection. Remove it with:\n${removalInstructions(worker)}`);
      continue;
    }
    build.close();
    await removeWorker(target, worker, evidence);
    createdThisRun.delete(worker.vmid);
    build.container = undefined;
    evidence.note(`removed half-built CT ${worker.vmid} (${worker.hostname}); set SUITE_KEEP_ON_FAILURE=1 to keep it next time`);
  }
}
