import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startLab, type RunningLab } from '../../lab';
import type { Target } from '../../src/target/target';
import { openTarget } from './open-target';

export { storySpec, STORY_FIELDS, STORY_RAW_LXC } from './story-spec';

/**
 * A fresh embedded lab and the suite's connected target for the enclosing describe(): started before its tests,
 * stopped after them.
 */
export function useLabTarget(): { readonly lab: RunningLab; readonly target: Target } {
  let lab: RunningLab | undefined;
  let target: Target | undefined;
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-lab-test-'));
  before(async () => {
    lab = await startLab({ stateDir });
    target = await openTarget(lab.env, 'lab');
  });
  after(async () => {
    target?.proxmoxHost.close();
    await lab?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });
  return {
    get lab() {
      return lab!;
    },
    get target() {
      return target!;
    },
  };
}
