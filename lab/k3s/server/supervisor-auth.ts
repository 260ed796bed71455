import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/**
 * How k3s's supervisor authenticates a request (pkg/authenticator: a union of basic auth from the passwd file and
 * x509 client certificates): `node:<agent token password>` is in group k3s:agent, `server:<server token password>` in
 * k3s:server (pkg/daemons/control/deps genUsers; the agent token defaults to the server's), a client certificate's
 * organizations are its groups. A Basic header with a wrong password or an unknown user is an error (401
 * "not authorized"); no credentials at all authenticate nobody (403 "forbidden" where a role is needed).
 */
export type SupervisorCaller = { outcome: 'anonymous' } | { outcome: 'rejected' } | { outcome: 'authenticated'; user: string; groups: string[] };

export interface SupervisorUsers {
  /** The agent token's password (user `node`). */
  agentPassword: string;
  /** The server token's password (user `server`). */
  serverPassword: string;
}

export function authenticateSupervisorRequest(request: IncomingMessage, users: SupervisorUsers): SupervisorCaller {
  const header = request.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [user, password] = colon < 0 ? [decoded, ''] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
    if (user === 'node' && password === users.agentPassword) return { outcome: 'authenticated', user, groups: ['k3s:agent', 'system:authenticated'] };
    if (user === 'server' && password === users.serverPassword) return { outcome: 'authenticated', user, groups: ['k3s:server', 'system:authenticated'] };
    return { outcome: 'rejected' };
  }
  const socket = request.socket as TLSSocket;
  if (socket.authorized) {
    const subject = socket.getPeerCertificate()?.subject;
    const user = Array.isArray(subject?.CN) ? subject.CN[0] : subject?.CN;
    const organizations = subject?.O === undefined ? [] : Array.isArray(subject.O) ? subject.O : [subject.O];
    if (user) return { outcome: 'authenticated', user, groups: [...organizations, 'system:authenticated'] };
  }
  return { outcome: 'anonymous' };
}

/** The roles of the `authed` router (pkg/server/handlers/router.go): agents, kubelets and bootstrap tokens. */
export const AGENT_ROLES = ['k3s:agent', 'system:nodes', 'system:bootstrappers'];
