import * as k8s from '@kubernetes/client-node';
import { Deadline } from './deadline';

export type Verdict<T> = { done: true; value: T } | { done: false; observed: string } | { failed: Error };

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchUntilOptions<O, T> {
  kubeconfig: k8s.KubeConfig;
  /** Collection path, e.g. /api/v1/nodes */
  path: string;
  query: Record<string, string>;
  deadline: Deadline;
  /** Judges each object as it changes: done, keep waiting (with what was seen), or fail now with the reason. */
  judge: (object: O, type: WatchEventType) => Verdict<T>;
  /** What is known before the first event (say, from a read just before the watch). */
  initiallyObserved?: string;
}

/**
 * Waits for an object to reach a state by watching it, never by polling: each change is judged as it arrives.
 * A watch that ends (server timeout, 410 Gone, dropped connection) is started again from the current state, so a
 * lost watch costs nothing but a fresh list. The deadline's error carries the last state observed.
 */
export function watchUntil<O extends k8s.KubernetesObject, T>(options: WatchUntilOptions<O, T>): Promise<T> {
  const watch = new k8s.Watch(options.kubeconfig);
  let lastObserved = options.initiallyObserved ?? 'no object seen yet';
  let settled = false;
  let controller: AbortController | undefined;
  const phase = options.deadline.beginPhase();
  if (options.initiallyObserved) phase.observe(options.initiallyObserved);

  return new Promise<T>((resolve, reject) => {
    const finish = (outcome: 'done' | 'failed', settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      controller?.abort();
      phase.end(outcome);
      settle();
    };
    const timer = setTimeout(() => finish('failed', () => reject(options.deadline.exceeded(lastObserved))), options.deadline.remainingMs());

    const start = () => {
      if (settled) return;
      watch
        .watch(
          options.path,
          { ...options.query, allowWatchBookmarks: true },
          (type: string, object: O) => {
            if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
            const verdict = options.judge(object, type);
            if ('failed' in verdict) {
              phase.observe(verdict.failed.message);
              finish('failed', () => reject(verdict.failed));
            } else if (verdict.done) finish('done', () => resolve(verdict.value));
            else phase.observe((lastObserved = verdict.observed));
          },
          // The watch ended: resume from the current state; after an error, give the server a moment first. A watch
          // aborted because the wait settled ends too; arming a retry then would only hold the process open.
          (error: unknown) => {
            if (settled) return;
            if (error) setTimeout(start, Math.min(500, options.deadline.remainingMs()));
            else setImmediate(start);
          },
        )
        .then((abort) => {
          controller = abort;
          if (settled) abort.abort();
        })
        .catch((error: Error) => {
          lastObserved = `${lastObserved} (watch failed: ${error.message})`;
          if (!settled) setTimeout(start, Math.min(1000, options.deadline.remainingMs()));
        });
    };
    start();
  });
}
