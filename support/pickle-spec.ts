import type { Pickle } from '@cucumber/messages';

/** A value of the Background's specification table, read from the pickle before its steps run (for hooks). */
export function specValue(pickle: Pickle, field: string): string | undefined {
  for (const step of pickle.steps) {
    const row = step.argument?.dataTable?.rows.find((candidate) => candidate.cells[0]?.value.trim() === field);
    if (row) return row.cells[1]?.value.trim();
  }
  return undefined;
}
