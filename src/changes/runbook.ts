import type { ChangeEntry } from './change-record';

/** Where each system's commands are run, for a reader who repeats them by hand. */
const WHERE: Record<ChangeEntry['system'], string> = {
  proxmox: 'Proxmox API (pvesh on the node)',
  'proxmox-host': 'as root on the Proxmox host',
  guest: 'in the worker, over SSH',
  kubernetes: 'against the cluster (kubectl)',
};

/**
 * The run's changes as a person reads them after the fact: one numbered step per change, when, what, where it is
 * done and the call or command that did it, so the list doubles as a runbook for doing it (or undoing it, from the
 * bottom up) by hand. Secrets are masked as *** (the record is written masked).
 */
export function renderRunbook(entries: readonly ChangeEntry[], runId: string, highlightSince?: string): string {
  if (!entries.length) return `Run ${runId} changed nothing on the systems under test.`;
  const count = `${entries.length} change${entries.length === 1 ? '' : 's'}`;
  const lines = [`Run ${runId} made ${count} to the systems under test, in this order (times UTC; secrets shown as ***):`, ''];
  entries.forEach((entry, index) => {
    const marker = highlightSince && entry.at >= highlightSince ? '▸' : ' ';
    const outcome = entry.outcome === 'done' ? '' : `  [${entry.outcome}]`;
    lines.push(`${marker}${String(index + 1).padStart(3)}. ${entry.at.slice(11, 19)}  ${entry.action} ${entry.target}${outcome}`);
    lines.push(`        ${WHERE[entry.system]}:`);
    lines.push(`          ${entry.command.split('\n').join('\n          ')}`);
  });
  if (highlightSince) lines.push('', '▸ made in this scenario');
  return lines.join('\n');
}
