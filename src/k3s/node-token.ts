/**
 * A k3s join token as k3s parses it (pkg/clientaccess/token.go parseToken): `K10<CA hash>::<user>:<password>`, the
 * same with a kubeadm-style bootstrap token (`<id 6>.<secret 16>`) after the `::`, or either bare. A bare password
 * pins no CA. The agent authenticates to the supervisor as user `node` with the password (pkg/agent/config, WithUser).
 */
export interface NodeToken {
  /** sha256 hex the cluster CA must hash to; undefined for a token that pins no CA. */
  caHash?: string;
  credentials: { kind: 'password'; password: string } | { kind: 'bootstrap'; token: string };
}

const PREFIX = 'K10';
const CA_HASH_LENGTH = 64;
// k8s.io/cluster-bootstrap/token/api BootstrapTokenPattern.
const BOOTSTRAP_TOKEN = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;

/** The token's parts, or k3s's own words for why it cannot be one ("invalid token format"). */
export function parseNodeToken(text: string): NodeToken | { problem: string } {
  const token = text.trim();
  if (!token) return { problem: 'token must not be empty' };
  // A bare token is a bootstrap token or, whole, a password (k3s prefixes it with "K10:::").
  if (!token.startsWith(PREFIX)) return { credentials: BOOTSTRAP_TOKEN.test(token) ? { kind: 'bootstrap', token } : { kind: 'password', password: token } };
  const rest = token.slice(PREFIX.length);
  const separator = rest.indexOf('::');
  if (separator < 0) return { problem: 'invalid token format (a K10 token has "::" after its CA hash)' };
  const caHash = rest.slice(0, separator);
  if (caHash.length > 0 && !(caHash.length === CA_HASH_LENGTH && /^[0-9a-f]+$/.test(caHash))) {
    return { problem: `invalid token CA hash length (${caHash.length} characters, k3s expects ${CA_HASH_LENGTH} hex digits)` };
  }
  const credentials = credentialsOf(rest.slice(separator + 2));
  if (!credentials) return { problem: 'invalid token format (after "::" k3s expects user:password or a bootstrap token)' };
  return { caHash: caHash || undefined, credentials };
}

function credentialsOf(text: string): NodeToken['credentials'] | undefined {
  if (BOOTSTRAP_TOKEN.test(text)) return { kind: 'bootstrap', token: text };
  const colon = text.indexOf(':');
  if (colon < 0 || colon === text.length - 1) return undefined;
  return { kind: 'password', password: text.slice(colon + 1) };
}

/** The CA hash a secure token pins; undefined for one that pins none (or is not a token at all). */
export function tokenCaHash(token: string): string | undefined {
  const parsed = parseNodeToken(token);
  return 'problem' in parsed ? undefined : parsed.caHash;
}

/** The Authorization header the agent sends with this token (clientaccess get: Bearer for bootstrap tokens). */
export function agentAuthorization(token: NodeToken): string {
  if (token.credentials.kind === 'bootstrap') return `Bearer ${token.credentials.token}`;
  return `Basic ${Buffer.from(`node:${token.credentials.password}`).toString('base64')}`;
}
