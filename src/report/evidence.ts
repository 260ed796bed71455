/**
 * Where a task puts what the operator should see: the Proxmox task log, the config as applied, the install output.
 * Steps pass one that attaches to the report (secrets masked there); unit tests pass one that collects.
 */
export interface Evidence {
  attach(title: string, text: string): void;
  note(message: string): void;
}

export const discardEvidence: Evidence = { attach: () => {}, note: () => {} };
