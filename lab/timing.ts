/**
 * How fast the lab pretends the real systems are. Scale 1 reproduces the durations a real Proxmox node and
 * k3s cluster take; scale 0 is as fast as possible but still asynchronous (every wait yields to the event loop),
 * so callers can never rely on a synchronous answer the real systems would not give.
 */
export class LabTiming {
  constructor(readonly scale: number) {
    if (!(scale >= 0 && scale <= 1)) throw new RangeError(`lab timing scale must be between 0 and 1, got ${scale}`);
  }

  /** The scaled length of something that takes `realMs` on real hardware. */
  duration(realMs: number): number {
    return Math.round(realMs * this.scale);
  }

  /** Resolves after the scaled duration; rejects with the signal's reason if aborted first. */
  wait(realMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
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
