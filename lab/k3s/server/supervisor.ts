import type { IncomingMessage, ServerResponse } from 'node:http';
import { issueCertificate } from '../../pki/certificates';
import { sendJson, sendText } from '../apiserver/http-responses';
import type { ClusterPki } from './cluster-pki';
import { AGENT_ROLES, authenticateSupervisorRequest } from './supervisor-auth';
import { checkNodePassword } from './node-password';
import type { ObjectStore } from '../apiserver/object-store';
import { failure } from '../apiserver/status-errors';

/**
 * The k3s supervisor endpoints that share port 6443 with the apiserver (pkg/server/handlers/router.go NewHandler),
 * as lab/contracts/k3s-join.ts describes them: `/cacerts` and `/ping` for anyone; behind `auth.HasRole(k3s:agent,
 * system:nodes, system:bootstrappers)` (the `authed` router) `/v1-k3s/client-kubelet.crt`, `client-ca.crt`,
 * `server-ca.crt`, `apiservers` and `readyz`. Errors are k3s's util.SendError Status bodies. Returns false for any
 * other path, which the API server answers.
 */
export class Supervisor {
  /** The `authed` router's routes the lab serves. */
  private readonly authed: Record<string, (request: IncomingMessage, response: ServerResponse) => void | Promise<void>>;

  constructor(private readonly store: ObjectStore, private readonly pki: ClusterPki, serverAddress: string) {
    this.authed = {
      '/v1-k3s/client-kubelet.crt': (request, response) => this.clientKubeletCertificate(request, response),
      // handlers.Readyz: "ok" once the server's core controllers run (always, in the lab).
      '/v1-k3s/readyz': (_request, response) => sendText(response, 200, 'ok'),
      '/v1-k3s/client-ca.crt': (_request, response) => sendText(response, 200, pki.clientCa.certPem),
      '/v1-k3s/server-ca.crt': (_request, response) => sendText(response, 200, pki.caBundlePem),
      // handlers.APIServers: the apiserver addresses agents may use.
      '/v1-k3s/apiservers': (_request, response) => sendJson(response, 200, [serverAddress]),
    };
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<boolean> {
    const path = new URL(request.url ?? '/', 'https://127.0.0.1').pathname;
    if (request.method !== 'GET') return false;
    if (path === '/ping') {
      sendText(response, 200, 'pong');
      return true;
    }
    if (path === '/cacerts') {
      sendText(response, 200, this.pki.caBundlePem);
      return true;
    }
    const served = this.authed[path];
    if (!served) return false;
    // auth.HasRole's doAuth: an authentication error is 401 "not authorized", no user or no role 403 "forbidden".
    const caller = authenticateSupervisorRequest(request, { agentPassword: this.pki.password, serverPassword: this.pki.password });
    if (caller.outcome === 'rejected') sendJson(response, 401, failure(401, 'Unauthorized', 'not authorized'));
    else if (caller.outcome === 'anonymous' || !caller.groups.some((group) => AGENT_ROLES.includes(group))) {
      sendJson(response, 403, failure(403, 'Forbidden', 'forbidden'));
    } else await served(request, response);
    return true;
  }

  private async clientKubeletCertificate(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // pkg/nodepassword/validate.go, getNodeInfo: the name is lower-cased, both headers are required.
    const nodeName = header(request, 'k3s-node-name')?.toLowerCase();
    const nodePassword = header(request, 'k3s-node-password');
    if (!nodeName) return sendJson(response, 400, failure(400, 'BadRequest', 'node name not set'));
    if (!nodePassword) return sendJson(response, 400, failure(400, 'BadRequest', 'node password not set'));
    const rejection = await checkNodePassword(this.store, nodeName, nodePassword);
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
