/**
 * Kubernetes' version-skew policy for the kubelet (kubernetes.io/releases/version-skew-policy): a kubelet must not
 * be newer than kube-apiserver, and may be up to three minor versions older. k3s's own rule follows from it: upgrade
 * the servers first, then the agents.
 */
export const SKEW_POLICY = 'the Kubernetes version-skew policy: a kubelet must not be newer than kube-apiserver, and may be up to three minor versions older';
const MAX_MINORS_OLDER = 3;

export interface K3sVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** `v1.34.3+k3s1` (also `1.34.3`, `v1.34`) as numbers; undefined when it is no version. */
export function parseK3sVersion(text: string): K3sVersion | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$/.exec(text.trim());
  return match ? { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), text: text.trim() } : undefined;
}

/** How a kubelet at `kubelet` stands to an API server at `server` when the policy forbids it ("newer than the server's v1.34.3+k3s1"); undefined when it allows it. */
export function skewViolation(kubelet: string, server: string): string | undefined {
  const [agent, apiServer] = [parseK3sVersion(kubelet), parseK3sVersion(server)];
  if (!agent || !apiServer) return undefined;
  if (agent.major !== apiServer.major) return `another major version than the server's ${server}`;
  if (agent.minor > apiServer.minor) return `newer than the server's ${server}`;
  const behind = apiServer.minor - agent.minor;
  if (behind > MAX_MINORS_OLDER) return `${behind} minor versions older than the server's ${server} (at most ${MAX_MINORS_OLDER})`;
  return undefined;
}
