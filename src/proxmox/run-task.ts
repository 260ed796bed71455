import { InfrastructureError } from '../errors';
import { Deadline } from '../waiting/deadline';
import { TaskOutcome, TaskSource, waitForTask } from './proxmox-task';

// pve-common PVE::Tools::lock_file: "can't lock file '/run/lock/lxc/pve-config-102.lock' - got timeout".
const LOCK_TIMEOUT = /can't lock file '[^']+' - got timeout/;
export interface Backoff {
  firstMs: number;
  maxMs: number;
}

const DEFAULT_BACKOFF: Backoff = { firstMs: 500, maxMs: 8000 };

export function isLockTimeout(error: unknown): boolean {
  const text = error instanceof InfrastructureError ? `${error.message}\n${error.evidence ?? ''}` : String((error as Error)?.message ?? error);
  return LOCK_TIMEOUT.test(text);
}

/**
 * Starts a Proxmox task and waits for it. Another operation holding the container's config lock makes the call or
 * the task fail with a lock timeout; that is transient, so the whole operation is tried again with growing pauses
 * until the deadline. Any other failure is final. A task that ends with warnings succeeded; `note` hears them.
 */
export async function runTask(
  source: TaskSource,
  start: () => Promise<string>,
  deadline: Deadline,
  note: (message: string) => void = () => {},
  backoff: Backoff = DEFAULT_BACKOFF,
): Promise<TaskOutcome> {
  let backoffMs = backoff.firstMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await waitForTask(source, await start(), deadline);
      if (outcome.warnings) {
        const warnings = outcome.log.filter((line) => line.startsWith('WARN'));
        note(`${deadline.what} succeeded with ${outcome.warnings} warning(s)${warnings.length ? `:\n${warnings.join('\n')}` : ''}`);
      }
      return outcome;
    } catch (error) {
      if (!isLockTimeout(error) || deadline.remainingMs() < backoffMs) throw error;
      note(`${deadline.what}: the container's config lock is held by another operation (attempt ${attempt}); retrying in ${backoffMs / 1000}s`);
      await deadline.pause(backoffMs);
      backoffMs = Math.min(backoff.maxMs, backoffMs * 2);
    }
  }
}
