// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { createHash, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

// k3s and Proxmox both issue ECDSA P-256 / SHA-256 certificates from their own CA.
const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const tenYearsMs = 10 * 365 * 24 * 3600 * 1000;

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface CertificateAuthority extends IssuedCertificate {
  readonly commonName: string;
  readonly keys: webcrypto.CryptoKeyPair;
}

export interface CertificateRequest {
  commonName: string;
  organization?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  usage: 'server' | 'client';
}

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END PRIVATE KEY-----\n`;
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>;
}

function subjectName(commonName: string, organization?: string): string {
  return organization ? `CN=${commonName}, O=${organization}` : `CN=${commonName}`;
}

const caExtensions = async (keys: webcrypto.CryptoKeyPair) => [
  new x509.BasicConstraintsExtension(true, undefined, true),
  new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
  await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
];

export async function createCertificateAuthority(commonName: string): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: subjectName(commonName),
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + tenYearsMs),
    extensions: await caExtensions(keys),
  });
  return { commonName, keys, certPem: cert.toString('pem') + '\n', keyPem: await exportKeyPem(keys.privateKey) };
}

/** A certificate for `keys`, signed by `issuer`, valid from a minute ago for ten years. */
async function signCertificate(issuer: CertificateAuthority, subject: string, keys: webcrypto.CryptoKeyPair, extensions: x509.Extension[]): Promise<string> {
  const cert = await x509.X509CertificateGenerator.create({
    subject,
    issuer: subjectName(issuer.commonName),
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: algorithm,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + tenYearsMs),
    extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey)],
  });
  return cert.toString('pem') + '\n';
}

/** An intermediate CA signed by `root` (what a custom CA setup, or `k3s certificate rotate-ca` with one, installs). */
export async function createIntermediateAuthority(root: CertificateAuthority, commonName: string): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const certPem = await signCertificate(root, subjectName(commonName), keys, await caExtensions(keys));
  return { commonName, keys, certPem, keyPem: await exportKeyPem(keys.privateKey) };
}

export async function issueCertificate(ca: CertificateAuthority, request: CertificateRequest): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  const altNames = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const certPem = await signCertificate(ca, subjectName(request.commonName, request.organization), keys, [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([request.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
    ...(altNames.length ? [new x509.SubjectAlternativeNameExtension(altNames)] : []),
  ]);
  return { certPem, keyPem: await exportKeyPem(keys.privateKey) };
}

/** The SHA-256 fingerprint as Proxmox and openssl print it: upper-case hex pairs joined by colons. */
export function sha256Fingerprint(certPem: string): string {
  return new NodeX509(certPem).fingerprint256;
}

/**
 * The hash a k3s secure token (K10<hash>::...) pins, as k3s's hashCA computes it (pkg/clientaccess/token.go): for a
 * bundle of one certificate, the sha256 of the file's bytes; for several, the sha256 of the DER of the root that the
 * bundle's first certificate chains to (self-issued certificates are the roots, the rest intermediates), falling back
 * to the bytes when it chains to none.
 */
export function caBundleHash(bundlePem: string): string {
  const pems = bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length > 1) {
    const certificates = pems.map((pem) => new NodeX509(pem));
    const root = chainRoot(certificates[0], certificates.slice(1));
    if (root) return createHash('sha256').update(root.raw).digest('hex');
  }
  return createHash('sha256').update(bundlePem).digest('hex');
}

/** Follows `leaf`'s issuers through `others` up to a self-issued certificate. */
function chainRoot(leaf: NodeX509, others: NodeX509[]): NodeX509 | undefined {
  let current = leaf;
  for (let depth = 0; depth <= others.length; depth++) {
    const issuer = others.find((candidate) => current.checkIssued(candidate) && current.verify(candidate.publicKey));
    if (!issuer) return undefined;
    if (issuer.checkIssued(issuer) && issuer.verify(issuer.publicKey)) return issuer;
    current = issuer;
  }
  return undefined;
}
