import * as k8s from '@kubernetes/client-node';
import { ChangeLog, unrecordedChanges } from '../changes/change';
import { describeKubernetesWrite } from './kubernetes-changes';

/** How long the suite keeps retrying an API server that says "later" before reporting it. */
export const THROTTLE_PATIENCE_MS = 60_000;
const DEFAULT_RETRY_AFTER_S = 1;
const MAX_RETRY_AFTER_S = 10;

/** What the suite was told while it waited, so a report can say the API was throttling. */
export type RetryNotice = (message: string) => void;

export interface TransportOptions {
  notice?: RetryNotice;
  patienceMs?: number;
  onRequest?: () => void;
  /** Every write goes through it: allowed (or refused) before it is sent, recorded once the server took it. */
  changes?: ChangeLog;
}

/**
 * The client library's own HTTP transport, retrying the answers a healthy API server gives when it is busy or briefly
 * unavailable: 429 (API Priority and Fairness) and 503, after the Retry-After they carry, as client-go does.
 * Anything else, and a server that is still busy after `patienceMs`, goes back to the caller unchanged. Writes are
 * announced to `changes` here, below every caller, so none can be missed.
 */
export function retryingHttpLibrary(options: TransportOptions = {}): k8s.HttpLibrary {
  const { notice = () => {}, patienceMs = THROTTLE_PATIENCE_MS, onRequest = () => {}, changes = unrecordedChanges } = options;
  const transport = new k8s.IsomorphicFetchHttpLibrary();
  return k8s.wrapHttpLibrary({
    async send(request: k8s.RequestContext): Promise<k8s.ResponseContext> {
      const body = request.getBody();
      const change = describeKubernetesWrite(request.getHttpMethod(), new URL(request.getUrl()), typeof body === 'string' ? body : undefined);
      if (!change) return sendRetrying(request);
      const pending = changes.begin(change);
      let response: k8s.ResponseContext;
      try {
        response = await sendRetrying(request);
      } catch (error) {
        // The request may have reached the server before the connection failed.
        pending.made('unknown');
        throw error;
      }
      if (response.httpStatusCode >= 200 && response.httpStatusCode < 300) pending.made();
      else pending.refused();
      return response;
    },
  });

  async function sendRetrying(request: k8s.RequestContext): Promise<k8s.ResponseContext> {
    const giveUpAt = Date.now() + patienceMs;
    for (;;) {
      onRequest();
      const response = await transport.send(request).toPromise();
      if (response.httpStatusCode !== 429 && response.httpStatusCode !== 503) return response;
      const waitMs = retryAfterSeconds(response.headers['retry-after']) * 1000;
      if (Date.now() + waitMs > giveUpAt) return response;
      // Read the refused answer's body, so its connection goes back to the pool.
      await response.body.text().catch(() => undefined);
      notice(`Kubernetes API answered ${response.httpStatusCode} to ${request.getHttpMethod()} ${new URL(request.getUrl()).pathname}; retrying in ${waitMs / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

function retryAfterSeconds(header: string | undefined): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, MAX_RETRY_AFTER_S) : DEFAULT_RETRY_AFTER_S;
}
