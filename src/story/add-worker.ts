import { requireCapacity } from '../provisioning/host-capacity';
import type { TestPodRef } from '../provisioning/test-pod';
import type { WorkContext } from '../provisioning/work-context';
import { ensureWorkerReady } from './join-criterion';
import { proveScheduling } from './scheduling-criterion';
import type { WorkerBuild } from './worker-build';

/**
 * The whole story in one task, built from the same criterion tasks the steps call: a container with room for it, the
 * agent joined and Ready, and a pod scheduled onto the worker and running. The first thing that goes wrong ends it.
 */
export async function addWorker(build: WorkerBuild, ctx: WorkContext, options: { pinTestPod?: boolean; onTestPod: (pod: TestPodRef) => void }): Promise<void> {
  await requireCapacity(ctx.target, build.spec, ctx.evidence);
  await build.ensureContainer(ctx);
  const node = await ensureWorkerReady(build, ctx, 'build');
  await proveScheduling(ctx, node, { pinned: Boolean(options.pinTestPod), onTestPod: options.onTestPod });
}
