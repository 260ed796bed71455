import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Change, ChangeLog, ChangeOutcome, PendingChange, ReadOnlyViolation } from './change';

/** One line of reports/changes.jsonl. */
export interface ChangeEntry extends Change {
  at: string;
  run: string;
  outcome: ChangeOutcome;
}

/**
 * Decides which changes a run may make. `any` builds; `read-only` (the nightly on a real cluster) makes nothing but
 * its own probe and test pods, whose names carry the run id.
 */
export type ChangePolicy = { kind: 'any' } | { kind: 'read-only'; why: string };

/**
 * Every change a run makes to the systems under test, in order, appended to one JSON-lines file as it happens (so a
 * crash loses none), with the run id, secrets masked. Reads are not changes. Also the guard of a read-only run, and
 * what cleanup waits on: a create still travelling is absent now and present a moment later.
 */
export class ChangeRecord implements ChangeLog {
  private readonly entries: ChangeEntry[] = [];
  private policy: ChangePolicy = { kind: 'any' };
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    readonly file: string,
    readonly runId: string,
    private readonly mask: (text: string) => string,
  ) {}

  /** From now on (for the next scenario, say) only what `policy` allows may be changed. */
  enforce(policy: ChangePolicy): void {
    this.policy = policy;
  }

  /** Runs `work` under `policy`, then goes back to the policy in force (a lab-only setup inside a read-only scenario). */
  async under<T>(policy: ChangePolicy, work: () => Promise<T>): Promise<T> {
    const previous = this.policy;
    this.policy = policy;
    try {
      return await work();
    } finally {
      this.policy = previous;
    }
  }

  begin(change: Change): PendingChange {
    if (this.policy.kind !== 'any' && !this.isOwnPod(change)) {
      throw new ReadOnlyViolation(change, `${this.policy.why}; it changes nothing but its own probe and test pods`);
    }
    let settle!: () => void;
    const answered = new Promise<void>((resolve) => (settle = resolve));
    this.inFlight.add(answered);
    const finish = () => {
      this.inFlight.delete(answered);
      settle();
    };
    let settled = false;
    return {
      made: (outcome: ChangeOutcome = 'done') => {
        if (settled) return;
        settled = true;
        this.write(change, outcome);
        finish();
      },
      refused: () => {
        settled = true;
        finish();
      },
    };
  }

  /** Resolves once every write begun so far has been answered (or has failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private write(change: Change, outcome: ChangeOutcome): void {
    const entry: ChangeEntry = {
      at: new Date().toISOString(),
      run: this.runId,
      system: change.system,
      action: change.action,
      target: this.mask(change.target),
      command: this.mask(change.command),
      outcome,
    };
    this.entries.push(entry);
    mkdirSync(dirname(this.file), { recursive: true });
    appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  /** This run's changes so far, oldest first. */
  list(): readonly ChangeEntry[] {
    return this.entries;
  }

  private isOwnPod(change: Change): boolean {
    return change.system === 'kubernetes' && (change.action === 'create' || change.action === 'delete') &&
      /^pod \S+\/acceptance-\S+$/.test(change.target) && change.target.includes(this.runId);
  }
}

/** The entries of a changes.jsonl file (a torn last line from a crash is skipped). */
export function readChangeFile(file: string): ChangeEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line) as ChangeEntry];
    } catch {
      return [];
    }
  });
}
