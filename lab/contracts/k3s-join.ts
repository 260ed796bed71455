/**
 * How an emulated k3s agent (lab/guest) talks to the emulated k3s server (lab/k3s). It is the real protocol,
 * spoken over the virtual network to the server's address (K3S_URL, e.g. https://192.168.2.20:6443):
 *
 * 1. GET /cacerts, no auth, TLS not yet verified -> 200 text/plain: the server CA bundle (PEM). With a secure token
 *    `K10<sha256hex>::<user>:<password>` the agent compares the hash with k3s's hashCA of the body (sha256 of the
 *    bytes for one certificate; for a bundle, sha256 of its root's DER; pkg/clientaccess/token.go) and, on mismatch,
 *    logs `token CA hash does not match the Cluster CA certificate hash: <tokenHash> != <actual>` and retries every 2 s.
 * 2. GET /v1-k3s/client-kubelet.crt over TLS verified against that CA, with
 *      Authorization: Basic base64("node:<password>")  (an agent is always user `node`, whatever user the token
 *      names: pkg/agent/config uses clientaccess.WithUser("node"); `server:<password>` is only in k3s:server)
 *      K3s-Node-Name: <hostname>
 *      K3s-Node-Password: <content of /etc/rancher/node/password, created by the agent on first start>
 *    -> 200 text/plain: a client certificate (CN=system:node:<hostname>, O=system:nodes) followed by its key (PEM);
 *    Errors come as a Kubernetes Status (application/json), as k3s's util.SendError writes them:
 *    -> 401 Status `not authorized` when the password is wrong (agent logs `Waiting to retrieve agent configuration;
 *       server is not ready: https://<server>/v1-k3s/client-kubelet.crt: 401 Unauthorized` and retries);
 *    -> 403 Status reason Forbidden, message `unable to verify password for node <hostname>: hash does not match`, when
 *       secret kube-system/<hostname>.node-password.k3s (type k3s.cattle.io/node-password, created by the server on
 *       first join) holds another password's hash. The agent ignores that body: on any 403 it logs
 *       `Waiting to retrieve agent configuration; server is not ready: ` + NODE_PASSWORD_REJECTED and retries.
 * 3. The agent's kubelet then uses the Kubernetes API with that client certificate:
 *    POST /api/v1/nodes (409 AlreadyExists means re-registration: carry on), PATCH /api/v1/nodes/<name>/status
 *    (application/merge-patch+json or strategic-merge-patch+json) for conditions and heartbeats,
 *    GET /api/v1/pods?fieldSelector=spec.nodeName%3D<name>&watch=true to run pods, PATCH pods/<name>/status,
 *    POST /api/v1/namespaces/<ns>/events, and DELETE with gracePeriodSeconds=0 to finish a graceful pod deletion.
 */
export const K3S_VERSION = 'v1.34.3+k3s1';
export const CONTAINERD_VERSION = 'containerd://2.1.5-k3s1';

/** k3s v1.34's agent text for a 403 from the supervisor (pkg/agent/config/config.go, getNodeNamedCrt). */
export const NODE_PASSWORD_REJECTED =
  "Node password rejected, duplicate hostname or contents of '/etc/rancher/node/password' may not match server node-passwd entry, try enabling a unique node name with the --with-node-id flag";

/** Name of the secret in kube-system that remembers a node's password. */
export function nodePasswordSecretName(nodeName: string): string {
  return `${nodeName}.node-password.k3s`;
}
