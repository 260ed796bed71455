import type { ChangeEntry } from './change-record';

/**
 * The run's changes as a person reads them after the fact: one numbered step per change, when, on which system,
 * what, and the call or command that did it, so the list doubles as a runbook for doing it (or undoing it) by hand.
 */
export function renderRunbook(entries: readonly ChangeEntry[], runId: string, highlightSince?: string): string {
  if (!entries.length) return `Run ${runId} changed nothing on the systems under test.`;
  const lines = [`Run ${runId} made ${entries.length} change${entries.length === 1 ? '' : 's'} to the systems under test:`, ''];
  entries.forEach((entry, index) => {
    const marker = highlightSince && entry.at >= highlightSince ? '▸' : ' ';
    const outcome = entry.outcome === 'done' ? '' : `  [${entry.outcome}]`;
    lines.push(`${marker}${String(index + 1).padStart(3)}. ${entry.at.slice(11, 19)}  ${entry.system.padEnd(12)}  ${entry.action} ${entry.target}${outcome}`);
    lines.push(`        ${entry.command.split('\n').join('\n        ')}`);
  });
  if (highlightSince) lines.push('', '▸ made in this scenario');
  return lines.join('\n');
}

/** One line for an overview: "created CT 102 on pve, installed k3s …, created 1 pod and deleted 1 pod". */
export function summarizeChanges(entries: readonly ChangeEntry[]): string {
  if (!entries.length) return 'no changes';
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const kind = entry.target.split(' ')[0];
    const key = `${entry.action} ${kind}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => (count === 1 ? key : `${key} ×${count}`)).join(', ');
}
