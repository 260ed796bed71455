import type { V1Pod } from '@kubernetes/client-node';

/**
 * kube-system's pods from one list: each is Running with every container ready, or has completed (k3s's helm-install
 * jobs). Anything else is named with its phase and the first container's waiting reason.
 */
export function systemPodFindings(pods: V1Pod[]): string[] {
  const findings: string[] = [];
  for (const pod of pods) {
    const phase = pod.status?.phase ?? 'Unknown';
    if (phase === 'Succeeded') continue;
    const statuses = pod.status?.containerStatuses ?? [];
    const notReady = statuses.filter((status) => !status.ready);
    if (phase === 'Running' && statuses.length > 0 && notReady.length === 0) continue;
    const failing = notReady.find((status) => status.state?.waiting?.reason ?? status.state?.terminated?.reason);
    const waiting = failing?.state?.waiting?.reason ?? failing?.state?.terminated?.reason;
    const restarts = statuses.reduce((sum, status) => sum + (status.restartCount ?? 0), 0);
    const owner = pod.metadata?.ownerReferences?.[0];
    const image = failing?.image ?? pod.spec?.containers?.[0]?.image;
    findings.push(
      `kube-system/${pod.metadata?.name}${owner ? ` (${owner.kind} ${owner.name})` : ''} on ${pod.spec?.nodeName ?? 'no node'}: ${phase}${waiting ? ` (${waiting})` : ''}, ` +
        `${statuses.length - notReady.length}/${statuses.length} ready${restarts ? `, ${restarts} restarts` : ''}${image ? `, image ${image}` : ''}`,
    );
  }
  return findings;
}
