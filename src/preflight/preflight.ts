import { ConfigurationError, InputProblem } from '../errors';
import type { Target } from '../target/target';
import type { WorkerSpec } from '../spec/worker-spec';

export interface PreflightParts {
  /** Parses the feature's specification (throws ConfigurationError listing its problems). */
  spec: () => WorkerSpec;
  /** Reads the profile's variables and connects to the endpoints (throws ConfigurationError listing its problems). */
  target: () => Promise<Target>;
  /** What the worker needs from the target (throws ConfigurationError listing its problems). */
  worker: (target: Target, spec: WorkerSpec) => Promise<void>;
}

/**
 * Runs every check that changes nothing and reports all their problems as one ConfigurationError: the specification
 * and the variables are checked even when the other is wrong; the worker's needs once both are usable.
 */
export async function preflight(parts: PreflightParts): Promise<{ spec: WorkerSpec; target: Target }> {
  const problems: InputProblem[] = [];
  const attempt = async <T>(check: () => T | Promise<T>): Promise<T | undefined> => {
    try {
      return await check();
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const spec = await attempt(parts.spec);
  const target = await attempt(parts.target);
  if (spec && target) await attempt(() => parts.worker(target, spec));
  if (problems.length || !spec || !target) throw new ConfigurationError(problems);
  return { spec, target };
}
