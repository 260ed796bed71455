import { ApiError } from '../api/envelope';
import type { PctConfig } from './conf-file';

/** AbstractConfig::check_lock: `CT is locked (create)` while any lock is set. */
export function checkLock(conf: PctConfig): void {
  const lock = conf.options.lock;
  if (lock) throw new ApiError(500, `CT is locked (${lock})`);
}
