import { ChangeRecord } from '../../src/changes/change-record';
import { ResourceTracker, untracked } from '../../src/cleanup/cleanup-ledger';
import type { RunOwner } from '../../src/cleanup/run-mark';
import { ConfigurationError } from '../../src/errors';
import { chooseInstall } from '../../src/provisioning/install-choice';
import type { WorkContext } from '../../src/provisioning/work-context';
import { discardEvidence, type Evidence } from '../../src/report/evidence';
import { SecretRegistry } from '../../src/secrets/secret-registry';
import { connectTarget } from '../../src/target/connect-target';
import type { RunServices, Target } from '../../src/target/target';
import { loadTargetConfig } from '../../src/target/target-config';
import { Waits } from '../../src/waiting/waits';

/** Services for a target opened outside a run: default waits, a fresh secret registry, changes kept in memory. */
export function testServices(changesFile = '/dev/null'): RunServices & { changes: ChangeRecord } {
  const secrets = new SecretRegistry();
  return { secrets, waits: Waits.defaults(), changes: new ChangeRecord(changesFile, 'test00', (text) => secrets.mask(text)) };
}

/** Connects to the systems `env` names, as a run does; every unusable variable is reported together. */
export async function openTarget(env: Record<string, string | undefined>, kind: string, services: RunServices = testServices()): Promise<Target> {
  const { target, problems } = await connectTarget(loadTargetConfig(env, services.secrets), kind, services);
  if (!target) throw new ConfigurationError(problems);
  return target;
}

/** What a task is handed, for a test that runs one task against an opened target. */
export function workContext(
  target: Target,
  options: { evidence?: Evidence; tracker?: ResourceTracker; runId?: string; isLive?: (owner: RunOwner) => boolean } = {},
): WorkContext {
  const runId = options.runId ?? 'test00';
  return {
    target,
    waits: target.services.waits,
    evidence: options.evidence ?? discardEvidence,
    tracker: options.tracker ?? untracked,
    run: { owner: { runId, pid: process.pid, host: 'test-host', startedAt: new Date().toISOString() }, isLive: options.isLive ?? (() => false) },
    installChoice: () => chooseInstall(target),
  };
}
