import { ConfigurationError } from '../src/errors';
import { connectTarget } from '../src/preflight/connect-target';
import { Target } from '../src/provisioning/target';
import { loadTargetConfig } from '../src/target/target-config';

/**
 * Connects to the systems the environment names: the only place that turns variables into clients. Every unusable
 * variable and unreachable endpoint is reported together, before anything is created.
 */
export async function openTarget(env: Record<string, string | undefined>, kind: string): Promise<Target> {
  const { target, problems } = await connectTarget(loadTargetConfig(env), kind);
  if (!target) throw new ConfigurationError(problems);
  return target;
}
