/**
 * A duration in the unit that fits it, as a reader says it: `340 ms`, `4.2 s`, `38 s`, `2 min 05 s`, `1 h 03 min`.
 * The lab's instant phases and a real install's minutes end up on the same report.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

const STEPS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/**
 * Round tick values for an axis from 0 up to at least `maxMs`: about `count` steps of a size a reader counts in
 * (…, 500 ms, 1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 min, …). The last tick is the axis's end.
 */
export function axisTicks(maxMs: number, count = 4): number[] {
  const step = STEPS_MS.find((candidate) => candidate * count >= maxMs) ?? Math.ceil(maxMs / count / 3_600_000) * 3_600_000;
  const ticks = [0];
  while (ticks.at(-1)! < maxMs) ticks.push(ticks.at(-1)! + step);
  return ticks;
}

/** An axis tick: its duration, but plain 0 at the origin. */
export function tickLabel(ms: number): string {
  return ms === 0 ? '0' : formatDuration(ms);
}
