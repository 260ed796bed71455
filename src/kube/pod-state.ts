import type { V1ContainerStateWaiting, V1Pod } from '@kubernetes/client-node';

// Waiting reasons a pod does not recover from without a change: image pulls and crash loops.
const FATAL_WAITING_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'CrashLoopBackOff', 'InvalidImageName', 'CreateContainerConfigError']);

/** The scheduler's message when it has given up on the pod for now (PodScheduled False, Unschedulable). */
export function unschedulableMessage(pod: V1Pod): string | undefined {
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === 'PodScheduled');
  return scheduled?.status === 'False' && scheduled.reason === 'Unschedulable' ? (scheduled.message ?? '') : undefined;
}

/** The first container's waiting state, as `kubectl get pod` shows its reason. */
export function waitingState(pod: V1Pod): V1ContainerStateWaiting | undefined {
  return pod.status?.containerStatuses?.find((status) => status.state?.waiting)?.state?.waiting;
}

/** "ErrImagePull: failed to pull …" when the pod is stuck for good; undefined while it may still start. */
export function fatalWaiting(pod: V1Pod): string | undefined {
  const waiting = waitingState(pod);
  return waiting?.reason && FATAL_WAITING_REASONS.has(waiting.reason) ? `${waiting.reason}: ${waiting.message ?? ''}`.trim() : undefined;
}
