/** Spans of time (start and end, in ms), and how much time they cover together. */
export class CoveredTime {
  private readonly spans: Array<[number, number]> = [];

  add(start: number, end: number): void {
    this.spans.push([start, end]);
  }

  /** The time from `since` on that at least one span covers: overlapping spans count once, gaps not at all. */
  total(since = -Infinity): number {
    const spans = this.spans.map(([start, end]): [number, number] => [Math.max(start, since), end]).filter(([start, end]) => end > start).sort((a, b) => a[0] - b[0]);
    let total = 0;
    let coveredTo = -Infinity;
    for (const [start, end] of spans) {
      if (end <= coveredTo) continue;
      total += end - Math.max(start, coveredTo);
      coveredTo = end;
    }
    return total;
  }
}

/**
 * How fast the lab pretends the real systems are. Scale 1 reproduces the durations a real Proxmox node and
 * k3s cluster take; scale 0 is as fast as possible but still asynchronous (every wait yields to the event loop),
 * so callers can never rely on a synchronous answer the real systems would not give.
 */
export class LabTiming {
  /** Every emulated operation's span (performance.now() at its start and end), for `emulatedMs`. */
  private readonly emulated = new CoveredTime();

  constructor(readonly scale: number) {
    if (!(scale >= 0 && scale <= 1)) throw new RangeError(`lab timing scale must be between 0 and 1, got ${scale}`);
  }

  /**
   * How long the lab spent being the real systems since `sinceMs` (performance.now()): the time during which at
   * least one emulated operation (a vzcreate, a start, an install, a pull, a kubelet's sync) was under way, however
   * many at once. A client that waits on each operation in turn cannot be faster than this: at LAB_TIMING=1 it is the
   * infrastructure's own time, and what a run takes beyond it is the client's (bench/suite-overhead.ts).
   */
  emulatedMs(sinceMs = 0): number {
    return this.emulated.total(sinceMs);
  }

  /** The scaled length of something that takes `realMs` on real hardware. */
  duration(realMs: number): number {
    return Math.round(realMs * this.scale);
  }

  /** Resolves after the scaled duration; rejects with the signal's reason if aborted first. */
  wait(realMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const startedAt = performance.now();
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        if (this.scale > 0) this.emulated.add(startedAt, performance.now());
        resolve();
      }, this.duration(realMs));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The interval for repeating work such as heartbeats: scaled, but never below `floorMs` so scale 0 does not spin. */
  period(realMs: number, floorMs = 100): number {
    return Math.max(floorMs, this.duration(realMs));
  }
}
