import tls from 'node:tls';
import { Agent, buildConnector, fetch } from 'undici';
import { InfrastructureError } from '../errors';

export interface TlsTrust {
  /** SHA-256 fingerprint 'AA:BB:…' the server certificate must have (Proxmox's self-signed pve-ssl.pem). */
  fingerprint?: string;
  /** CA bundle that must have signed the server certificate. */
  caPem?: string;
}

/**
 * A fetch for one Proxmox endpoint that verifies its certificate: by a pinned fingerprint, by a given CA, or by the
 * system trust store. Verification is scoped to this client's connections; nothing is switched off globally. Each
 * request may take `requestTimeoutMs()` (read per request: a scenario may shorten it).
 */
export function verifiedFetch(trust: TlsTrust, requestTimeoutMs: () => number): typeof fetch {
  const dispatcher = new Agent({ connect: trust.fingerprint ? pinnedConnector(trust.fingerprint) : { ca: trust.caPem } });
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    // A node that accepts the connection and never answers would otherwise hold the step until cucumber's backstop.
    const timeoutMs = requestTimeoutMs();
    try {
      return await fetch(input, { ...init, dispatcher, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if ((error as Error).name !== 'TimeoutError') throw error;
      const url = new URL(typeof input === 'object' && 'url' in input ? input.url : String(input));
      throw new InfrastructureError(
        'proxmox',
        `Proxmox API at ${url.host} did not answer ${init?.method ?? 'GET'} ${url.pathname} within ${timeoutMs / 1000}s. ` +
          'The node may be overloaded or pveproxy stuck: check `systemctl status pveproxy` and the node\'s load, or allow more time with SUITE_TIMEOUTS=proxmox-request=120s.',
      );
    }
  }) as typeof fetch;
}

/**
 * A self-signed certificate has no chain to check, so the pin replaces chain validation: the connection is refused
 * before a single request byte is sent unless the certificate's fingerprint is exactly the pinned one.
 */
function pinnedConnector(expected: string): buildConnector.connector {
  // No TLS session resumption: a resumed session carries no certificate to check, and every connection is pinned.
  const connect = buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 });
  return (options, callback) =>
    connect(options, (error, socket) => {
      if (error) return callback(error, null);
      const seen = (socket as tls.TLSSocket).getPeerCertificate().fingerprint256;
      if (seen !== expected) {
        socket!.destroy();
        return callback(
          new InfrastructureError(
            'proxmox',
            `Proxmox API certificate at ${options.hostname}:${options.port} has SHA-256 fingerprint ${seen}, not the pinned ${expected}; ` +
              'refusing to connect. If the node\'s certificate was renewed, check it on the node (`openssl x509 -noout -fingerprint -sha256 -in /etc/pve/local/pve-ssl.pem`) and update PROXMOX_VE_TLS_FINGERPRINT.',
          ),
          null,
        );
      }
      callback(null, socket!);
    });
}
