import { createHash, X509Certificate } from 'node:crypto';

/**
 * The CA hash a K10 token pins, computed as k3s computes it (pkg/clientaccess/token.go hashCA): for a bundle of one
 * certificate, sha256 of the file's bytes; for several (a custom CA, or after `k3s certificate rotate-ca`), sha256 of
 * the DER of the root that the first certificate chains to, so the hash survives renewing the intermediates. A bundle
 * whose chain does not verify falls back to the bytes, as k3s's does.
 */
export function hashCa(bundlePem: string): string {
  const certificates = splitPem(bundlePem);
  const root = certificates.length > 1 ? rootOf(certificates) : undefined;
  return createHash('sha256').update(root ? root.raw : Buffer.from(bundlePem, 'utf8')).digest('hex');
}

function splitPem(bundle: string): X509Certificate[] {
  const blocks = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.flatMap((block) => {
    try {
      return [new X509Certificate(block)];
    } catch {
      return [];
    }
  });
}

/** Walks from the first certificate up through the others to a self-signed one; undefined if the chain breaks. */
function rootOf([leaf, ...others]: X509Certificate[]): X509Certificate | undefined {
  let current = leaf;
  for (let depth = 0; depth <= others.length; depth++) {
    const issuer = others.find((candidate) => current.checkIssued(candidate) && current.verify(candidate.publicKey));
    if (!issuer) return undefined;
    if (issuer.checkIssued(issuer) && issuer.verify(issuer.publicKey)) return issuer;
    current = issuer;
  }
  return undefined;
}
