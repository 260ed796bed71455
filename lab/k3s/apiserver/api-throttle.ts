import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from './api-access';
import { failure } from './status-errors';

export type ThrottleCode = 429 | 503;

// kube-apiserver answers these whatever its load: APF classifies them under the exempt "probes" FlowSchema, and the
// shutdown filters skip the same prefixes (server/filters/with_retry_after.go, pathPrefixesExemptFromRetryAfter).
const EXEMPT_PREFIXES = ['/readyz', '/livez', '/healthz', '/metrics'];

/** APF's rejection: Go's http.Error, so plain text, not a Status (server/filters/maxinflight.go, tooManyRequests). */
const TOO_MANY_REQUESTS_TEXT = 'Too many requests, please try again later.\n';

/** The wait group's answer while the apiserver shuts down (server/filters/waitgroup.go, waitGroupWriteRetryAfterToResponse). */
const SHUTTING_DOWN_STATUS = failure(503, 'ServiceUnavailable', 'apiserver is shutting down');

/**
 * Lab fault: the next `count` API requests are refused, either as API Priority and Fairness rejects a request it has
 * no seat or queue room for (429), or as the apiserver answers while it shuts down, e.g. during a k3s restart (503).
 *
 * Requests from `system:node:*` users pass untouched: the lab's kubelets do not implement client-go's retry on
 * 429/503 with Retry-After, so throttling them would break heartbeats a real kubelet rides out.
 */
export class ApiThrottle {
  private code: ThrottleCode = 429;
  private remaining = 0;
  // APF names the matched FlowSchema and PriorityLevel by UID only (so their names stay private), also on rejection.
  private readonly flowSchemaUid = randomUUID();
  private readonly priorityLevelUid = randomUUID();

  arm(code: ThrottleCode, count: number): void {
    if (code !== 429 && code !== 503) throw new RangeError(`throttle code must be 429 or 503, got ${code}`);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`throttle count must be a whole number, got ${count}`);
    this.code = code;
    this.remaining = count;
  }

  clear(): void {
    this.remaining = 0;
  }

  /** Answers the request when the fault applies to it, and says whether it did. `caller` is undefined without a valid client cert. */
  intercept(request: IncomingMessage, response: ServerResponse, caller: Caller | undefined): boolean {
    if (this.remaining <= 0) return false;
    const path = new URL(request.url ?? '/', 'https://127.0.0.1').pathname;
    if (EXEMPT_PREFIXES.some((prefix) => path.startsWith(prefix))) return false;
    if (caller?.user.startsWith('system:node:')) return false;
    // APF runs after authentication (an unauthenticated request is 401 first); the shutdown wait group runs before it.
    if (this.code === 429 && !caller) return false;
    this.remaining -= 1;
    if (this.code === 429) {
      send(response, 429, 'text/plain; charset=utf-8', TOO_MANY_REQUESTS_TEXT, {
        // The dropped-requests tracker starts at 1 s (util/flowcontrol/dropped_requests_tracker.go).
        'Retry-After': '1',
        'X-Kubernetes-Pf-Flowschema-Uid': this.flowSchemaUid,
        'X-Kubernetes-Pf-Prioritylevel-Uid': this.priorityLevelUid,
      });
    } else {
      send(response, 503, 'application/json', `${JSON.stringify(SHUTTING_DOWN_STATUS)}\n`, { 'Retry-After': '1' });
    }
    return true;
  }
}

function send(response: ServerResponse, code: number, contentType: string, body: string, headers: Record<string, string>): void {
  response.writeHead(code, {
    ...headers,
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}
