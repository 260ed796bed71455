import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PhaseRecord } from '../progress/progress';

/** The story's phases, in order, and how a wait's name maps onto them. */
export const STORY_PHASES: Array<{ key: string; pattern: RegExp }> = [
  { key: 'create', pattern: /^CT \d+ creation$/ },
  { key: 'start', pattern: /^CT \d+ start$/ },
  { key: 'SSH ready', pattern: /^SSH to .* through the Proxmox host$/ },
  { key: 'agent installed', pattern: /^k3s agent installation on / },
  { key: 'node Ready', pattern: /^node \S+ Ready$/ },
  { key: 'pod Running', pattern: /^pod \S+ Running$/ },
];

export interface RunPhases {
  at: string;
  /** `lab` or `real`. */
  target: string;
  /** What the durations were measured against (`embedded lab, LAB_TIMING=1`); older lines have only `target`. */
  conditions?: string;
  /** Milliseconds per story phase that completed in this run. */
  phases: Record<string, number>;
}

/** One run's story phases: completed waits mapped onto the phase they belong to (retries add up). */
export function summarizeRun(records: PhaseRecord[], run: { target: string; conditions?: string }, at = new Date()): RunPhases {
  const phases: Record<string, number> = {};
  for (const record of records) {
    const phase = STORY_PHASES.find((candidate) => candidate.pattern.test(record.name));
    if (phase && record.outcome === 'done') phases[phase.key] = (phases[phase.key] ?? 0) + (record.endedAt - record.startedAt);
  }
  return { at: at.toISOString(), ...run, phases };
}

/** Past runs, oldest first; a damaged line is skipped rather than failing the report. */
export function readPhaseHistory(path: string): RunPhases[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as RunPhases];
      } catch {
        return [];
      }
    });
}

export function appendPhaseHistory(path: string, run: RunPhases): void {
  if (!Object.keys(run.phases).length) return;
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${JSON.stringify(run)}\n`);
}
