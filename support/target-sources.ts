import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TargetOpening, TargetRequest, TargetSource } from '../src/run/target-source';

/**
 * The two places a run's target comes from. The only code that knows the lab exists: the embedded lab is loaded only
 * on the default profile, so a real run never even loads its code.
 */
export function targetSource(kind: 'lab' | 'real', env: Record<string, string | undefined>): TargetSource {
  return kind === 'real' ? realSystems(env) : embeddedLabs(env);
}

/** The real Proxmox node and k3s cluster the environment names: one target for the whole run. */
function realSystems(env: Record<string, string | undefined>): TargetSource {
  return {
    kind: 'real',
    conditions: 'real systems',
    open: async () => ({ env, close: async () => {} }),
    needsFresh: () => false,
  };
}

/**
 * A fresh embedded lab per feature file (each story rehearses on its own cluster) and per scenario that arms a
 * fault (its @fault: tags, lab/fault-switches.ts), started with the lab settings of the environment (LAB_*).
 */
function embeddedLabs(env: Record<string, string | undefined>): TargetSource {
  const timing = Number(env.LAB_TIMING?.trim() || 0);
  return {
    kind: 'lab',
    // Durations at LAB_TIMING=0 are the lab's own speed, at 1 those of real systems: the trend keeps them apart.
    conditions: timing > 0 ? `embedded lab, LAB_TIMING=${timing}` : 'embedded lab',
    needsFresh: (current, next) => current.featureUri !== next.featureUri || next.faults.length > 0 || current.faults.length > 0,
    open: (request) => startLab(env, request),
  };
}

async function startLab(env: Record<string, string | undefined>, request: TargetRequest): Promise<TargetOpening> {
  const [{ startLab: start }, { labOptionsFromEnv }, { armFault }] = await Promise.all([import('../lab'), import('../lab/lab-settings'), import('../lab/fault-switches')]);
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-lab-'));
  const lab = await start(labOptionsFromEnv(env, stateDir));
  for (const name of request.faults) await armFault(lab, name, { hostname: request.hostname });
  return {
    env: lab.env,
    // The lab's keys, token and kubeconfig live only as long as the lab.
    close: async () => {
      await lab.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
