/** What k3s writes to /etc/rancher/k3s/k3s.yaml: one cluster, user and context, all named `default`. */
export interface KubeconfigParts {
  server: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

export function renderKubeconfig(parts: KubeconfigParts): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${b64(parts.caPem)}`,
    `    server: ${parts.server}`,
    '  name: default',
    'contexts:',
    '- context:',
    '    cluster: default',
    '    user: default',
    '  name: default',
    'current-context: default',
    'kind: Config',
    'preferences: {}',
    'users:',
    '- name: default',
    '  user:',
    `    client-certificate-data: ${b64(parts.clientCertPem)}`,
    `    client-key-data: ${b64(parts.clientKeyPem)}`,
    '',
  ].join('\n');
}
