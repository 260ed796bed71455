import type { IncomingMessage, ServerResponse } from 'node:http';
import { issueCertificate } from '../../pki/certificates';
import { sendJson, sendText } from '../apiserver/http-responses';
import type { ClusterPki } from './cluster-pki';
import { checkNodePassword } from './node-password';
import type { ObjectStore } from '../apiserver/object-store';
import { failure } from '../apiserver/status-errors';

/** Parses `Authorization: Basic base64(user:password)`. */
function basicAuth(request: IncomingMessage): { user: string; password: string } | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The k3s supervisor endpoints that share port 6443 with the apiserver (pkg/server/router.go), as
 * lab/contracts/k3s-join.ts describes them. Returns false for any other path.
 */
export class Supervisor {
  constructor(private readonly store: ObjectStore, private readonly pki: ClusterPki) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const path = new URL(request.url ?? '/', 'https://127.0.0.1').pathname;
    if (request.method !== 'GET') return false;
    if (path === '/ping') {
      sendText(response, 200, 'pong');
      return true;
    }
    if (path === '/cacerts') {
      sendText(response, 200, this.pki.serverCa.certPem);
      return true;
    }
    if (path === '/v1-k3s/client-kubelet.crt') {
      await this.clientKubeletCertificate(request, response);
      return true;
    }
    return false;
  }

  private async clientKubeletCertificate(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // k3s sends its errors with util.SendError: a Status whose reason follows the code (pkg/util/apierrors.go).
    // Only the password is checked: `server:<pw>` (secure token) and `node:<pw>` (bare token) both join.
    const credentials = basicAuth(request);
    // pkg/server/auth/auth.go: no credentials at all is "forbidden", wrong ones "not authorized".
    if (!credentials) return sendJson(response, 403, failure(403, 'Forbidden', 'forbidden'));
    if (credentials.password !== this.pki.password) return sendJson(response, 401, failure(401, 'Unauthorized', 'not authorized'));
    // pkg/nodepassword/validate.go, getNodeInfo: the name is lower-cased, both headers are required.
    const nodeName = header(request, 'k3s-node-name')?.toLowerCase();
    const nodePassword = header(request, 'k3s-node-password');
    if (!nodeName) return sendJson(response, 400, failure(400, 'BadRequest', 'node name not set'));
    if (!nodePassword) return sendJson(response, 400, failure(400, 'BadRequest', 'node password not set'));
    const rejection = checkNodePassword(this.store, nodeName, nodePassword);
    // The agent ignores this body and logs NODE_PASSWORD_REJECTED (lab/contracts/k3s-join.ts) for any 403.
    if (rejection) return sendJson(response, 403, failure(403, 'Forbidden', rejection));
    const issued = await issueCertificate(this.pki.clientCa, { commonName: `system:node:${nodeName}`, organization: 'system:nodes', usage: 'client' });
    sendText(response, 200, issued.certPem + issued.keyPem);
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
