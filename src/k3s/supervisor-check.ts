import { Agent, fetch } from 'undici';
import { agentAuthorization, type NodeToken } from './node-token';

/**
 * What k3s's supervisor says of a join token, asked the way an agent's bootstrap asks: `GET /v1-k3s/readyz`, a
 * read-only route on the `authed` router of pkg/server/handlers/router.go, which admits a request only if the
 * cluster's authenticator accepts its credentials with the k3s:agent role (auth.HasRole). The agent sends
 * `node:<password>` as Basic auth, or a bootstrap token as Bearer (pkg/clientaccess/token.go).
 */
export type SupervisorVerdict =
  | { accepted: true }
  | { accepted: false; status: number; reason: string };

export async function askSupervisor(serverUrl: string, caPem: string | undefined, token: NodeToken, timeoutMs: number): Promise<SupervisorVerdict> {
  const dispatcher = new Agent({ connect: caPem ? { ca: caPem } : {} });
  try {
    const response = await fetch(new URL('/v1-k3s/readyz', serverUrl), {
      headers: { authorization: agentAuthorization(token) },
      dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    if (response.ok) return { accepted: true };
    return { accepted: false, status: response.status, reason: statusMessage(body) ?? response.statusText };
  } finally {
    await dispatcher.close();
  }
}

/** k3s answers refusals with a Kubernetes Status (pkg/util/apierrors.go SendError): its message is the reason. */
function statusMessage(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { message?: string }).message;
  } catch {
    return body.trim() || undefined;
  }
}
