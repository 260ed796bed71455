import { issueCertificate, type CertificateAuthority, type IssuedCertificate } from '../../pki/certificates';

/** pve-ssl.pem as pvecm updatecerts issues it: signed by the cluster CA, for the node's names and its address. */
export function issueNodeCertificate(ca: CertificateAuthority, nodeName: string, hostIp: string): Promise<IssuedCertificate> {
  return issueCertificate(ca, {
    commonName: `${nodeName}.lab`,
    organization: 'PVE Cluster Node',
    dnsNames: ['localhost', nodeName, `${nodeName}.lab`],
    ipAddresses: ['127.0.0.1', hostIp],
    usage: 'server',
  });
}
