import { randomBytes } from 'node:crypto';
import { caBundleHash, createCertificateAuthority, createIntermediateAuthority, issueCertificate, type CertificateAuthority, type IssuedCertificate } from '../../pki/certificates';

/**
 * The certificates a k3s server generates on first start (/var/lib/rancher/k3s/server/tls): a server CA that signs
 * the apiserver's serving certificate, a separate client CA for users and kubelets, the admin client certificate
 * behind k3s.yaml, and the join token that pins the server CA.
 */
export interface ClusterPki {
  serverCa: CertificateAuthority;
  clientCa: CertificateAuthority;
  serving: IssuedCertificate;
  admin: IssuedCertificate;
  /** What /cacerts serves (server/tls/server-ca.crt): the server CA, or an intermediate and its root. */
  caBundlePem: string;
  /** `K10<sha256 of the server CA bundle>::server:<password>`, the content of server/node-token. */
  token: string;
  /** The password part of the token: all the server checks. */
  password: string;
}

/**
 * `self-signed`: k3s's own server CA, as on first start. `bundle`: a custom CA, as after `k3s certificate rotate-ca`
 * with one (contrib/util/generate-custom-ca-certs.sh): a root, and the server CA as an intermediate it signs;
 * /cacerts serves the intermediate followed by the root, and the token pins the root's DER hash.
 */
export type ServerCaKind = 'self-signed' | 'bundle';

export async function createClusterPki(serverIp: string, nodeName: string, caKind: ServerCaKind = 'self-signed'): Promise<ClusterPki> {
  // k3s names its CAs after the time they were made: k3s-server-ca@1700000000.
  const stamp = Math.floor(Date.now() / 1000);
  const root = caKind === 'bundle' ? await createCertificateAuthority(`k3s-root-ca@${stamp}`) : undefined;
  const serverCa = root ? await createIntermediateAuthority(root, `k3s-server-ca@${stamp}`) : await createCertificateAuthority(`k3s-server-ca@${stamp}`);
  const clientCa = await createCertificateAuthority(`k3s-client-ca@${stamp}`);
  const serving = await issueCertificate(serverCa, {
    commonName: 'k3s',
    organization: 'k3s',
    usage: 'server',
    dnsNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost', nodeName],
    ipAddresses: ['127.0.0.1', serverIp, '10.43.0.1'],
  });
  const admin = await issueCertificate(clientCa, { commonName: 'system:admin', organization: 'system:masters', usage: 'client' });
  const password = randomBytes(16).toString('hex');
  const caBundlePem = root ? serverCa.certPem + root.certPem : serverCa.certPem;
  return { serverCa, clientCa, serving, admin, password, caBundlePem, token: `K10${caBundleHash(caBundlePem)}::server:${password}` };
}
