import type { Pickle } from '@cucumber/messages';

/** A value of the Background's specification table, read from the pickle before its steps run (for hooks). */
/**
 * The worker a scenario builds, as its Background states it (the specification table and the raw LXC lines), read
 * from the pickle before any step runs: two scenarios with the same one build the same worker.
 */
export function storyBackground(pickle: Pickle): string {
  const table = pickle.steps.find((step) => step.argument?.dataTable?.rows.some((row) => row.cells[0]?.value.trim() === 'vmid'));
  const lines = pickle.steps.find((step) => /raw LXC configuration/.test(step.text))?.argument?.docString?.content;
  return JSON.stringify([table?.argument?.dataTable?.rows.map((row) => row.cells.map((cell) => cell.value.trim())), lines]);
}

export function specValue(pickle: Pickle, field: string): string | undefined {
  for (const step of pickle.steps) {
    const row = step.argument?.dataTable?.rows.find((candidate) => candidate.cells[0]?.value.trim() === field);
    if (row) return row.cells[1]?.value.trim();
  }
  return undefined;
}
