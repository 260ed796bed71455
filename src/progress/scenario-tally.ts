/** How the run's scenarios ended so far, and which one is running: what an interrupted run's summary says. */
export class ScenarioTally {
  private readonly ended: Array<{ name: string; status: string }> = [];
  /** The scenario running now, if any. */
  current?: string;

  begin(name: string): void {
    this.current = name;
  }

  /** `status` in cucumber's words, lower case: passed, failed, skipped… */
  end(name: string, status: string): void {
    this.ended.push({ name, status });
    if (this.current === name) this.current = undefined;
  }

  /** "2 passed, 1 failed", or "none had ended". */
  describeEnded(): string {
    const counts = new Map<string, number>();
    for (const { status } of this.ended) counts.set(status, (counts.get(status) ?? 0) + 1);
    return counts.size ? [...counts].map(([status, count]) => `${count} ${status}`).join(', ') : 'none had ended';
  }
}
