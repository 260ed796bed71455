/**
 * Where a task puts what the operator should see: the Proxmox task log, the config as applied, the install output.
 * Steps pass one that attaches to the report (secrets masked there); unit tests pass one that collects.
 */
export interface Evidence {
  attach(title: string, text: string): void;
  note(message: string): void;
}

export const discardEvidence: Evidence = { attach: () => {}, note: () => {} };

const TITLE_LENGTH = 100;

/**
 * A note's name in the report: the note itself when it is one short line, so the reader sees it on its step without
 * opening anything; otherwise its first line, cut.
 */
export function noteTitle(message: string): string {
  const text = message.trim();
  const first = text.split('\n')[0];
  if (first === text && first.length <= TITLE_LENGTH) return first;
  return `${first.slice(0, TITLE_LENGTH - 1)}…`;
}
