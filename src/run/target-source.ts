/** The variables a target is read from, and how to let it go (an embedded lab stops). */
export interface TargetOpening {
  env: Record<string, string | undefined>;
  close(): Promise<void>;
}

/** Which scenario asks for a target: its feature file and the lab faults its tags arm. */
export interface TargetRequest {
  featureUri: string;
  faults: string[];
  /** The story's hostname, for faults aimed at its worker. */
  hostname: string;
}

/**
 * Where a run's target comes from: the real systems the environment names, or an embedded lab. Only the support code
 * that picks one knows the lab exists; the run asks it for a target and whether a scenario needs a fresh one.
 */
export interface TargetSource {
  kind: 'lab' | 'real';
  /**
   * What the runs were made against, for the report's environment and its trend, which keeps apart runs whose
   * durations do not compare: `real systems`, `embedded lab` (as fast as it can), `embedded lab, LAB_TIMING=1`.
   */
  conditions: string;
  open(request: TargetRequest): Promise<TargetOpening>;
  /** Whether `next` needs another target than the one opened for `current` (each story rehearses on its own lab). */
  needsFresh(current: TargetRequest, next: TargetRequest): boolean;
}
