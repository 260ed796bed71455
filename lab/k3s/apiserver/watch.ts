import type { ServerResponse } from 'node:http';
import type { LabTiming } from '../../timing';
import type { KubeObject } from '../../contracts/kube-object';
import type { ObjectStore, StoreEvent } from './object-store';
import type { Selector } from './selectors';
import { expired } from './status-errors';

export interface WatchRequest {
  resource: string;
  kind: string;
  /** The watched type's apiVersion, which its bookmarks carry. */
  apiVersion: string;
  namespace?: string;
  selector: Selector;
  /** Absent or "0": start with synthetic ADDED events for what exists now. */
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  /** How each event's object goes on the wire (kubectl get -w asks for Table rows); the object itself by default. */
  render?: (type: 'BOOKMARK' | 'OBJECT', object: KubeObject) => unknown;
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * Streams a watch the way kube-apiserver does: HTTP 200, chunked JSON lines `{"type":..,"object":..}`. Selectors
 * are applied to both the old and new object, so an object that stops matching arrives as DELETED and one that
 * starts matching as ADDED (cacher.go). Returns the function that ends the stream.
 */
export function serveWatch(store: ObjectStore, timing: LabTiming, request: WatchRequest, response: ServerResponse): () => void {
  response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  response.flushHeaders();
  const send = (type: WatchEventType, object: unknown) => {
    if (response.writableEnded) return;
    const rendered = type === 'ERROR' || !request.render ? object : request.render(type === 'BOOKMARK' ? 'BOOKMARK' : 'OBJECT', object as KubeObject);
    response.write(`${JSON.stringify({ type, object: rendered })}\n`);
  };
  const inScope = (object: KubeObject) => request.namespace === undefined || object.metadata.namespace === request.namespace;
  const matches = (object: KubeObject | undefined) => object !== undefined && inScope(object) && request.selector(object);

  const deliver = (event: StoreEvent) => {
    if (event.resource !== request.resource) return;
    const now = matches(event.object);
    const before = event.type === 'MODIFIED' ? matches(event.previous) : now;
    if (event.type === 'ADDED' && now) send('ADDED', event.object);
    else if (event.type === 'DELETED' && now) send('DELETED', event.object);
    else if (event.type === 'MODIFIED') {
      if (now && before) send('MODIFIED', event.object);
      else if (now) send('ADDED', event.object);
      else if (before) send('DELETED', event.object);
    }
  };

  let stop = () => {};
  const end = () => {
    stop();
    if (!response.writableEnded) response.end();
  };

  const start = request.resourceVersion;
  if (!start || start === '0') {
    for (const object of store.list(request.resource, request.namespace)) if (request.selector(object)) send('ADDED', object);
  } else {
    const from = Number(start);
    const missed = Number.isInteger(from) ? store.eventsSince(from) : 'expired';
    if (missed === 'expired') {
      send('ERROR', expired(from, store.oldestWatchable + 1));
      end();
      return end;
    }
    missed.forEach(deliver);
  }

  const unsubscribe = store.subscribe(deliver);
  // Bookmarks let informers resume from a recent version after a reconnect (about once a minute on a real server).
  const bookmarks = request.allowBookmarks
    ? setInterval(() => send('BOOKMARK', { kind: request.kind, apiVersion: request.apiVersion, metadata: { resourceVersion: String(store.resourceVersion) } }), timing.period(60_000, 1_000))
    : undefined;
  // timeoutSeconds is the client's own deadline in real seconds, not a lab duration.
  const timeout = request.timeoutSeconds !== undefined ? setTimeout(end, request.timeoutSeconds * 1000) : undefined;
  stop = () => {
    unsubscribe();
    if (bookmarks) clearInterval(bookmarks);
    if (timeout) clearTimeout(timeout);
  };
  response.once('close', stop);
  return end;
}
