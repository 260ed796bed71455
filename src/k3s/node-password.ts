/** The secret in which k3s keeps a node's password hash (pkg/nodepassword): one per hostname, in kube-system. */
export function nodePasswordSecretName(hostname: string): string {
  return `${hostname}.node-password.k3s`;
}

export const NODE_PASSWORD_NAMESPACE = 'kube-system';
