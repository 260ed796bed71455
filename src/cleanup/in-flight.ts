/**
 * Create requests on their way to Proxmox or Kubernetes. Cleanup after an interruption waits for them first: a
 * resource whose create request is still travelling is absent now and present a moment later.
 */
const pending = new Set<Promise<unknown>>();

export function creating<T>(request: Promise<T>): Promise<T> {
  pending.add(request);
  const forget = () => pending.delete(request);
  request.then(forget, forget);
  return request;
}

/** Resolves once every create request sent so far has been answered (or has failed). */
export async function createsAnswered(): Promise<void> {
  await Promise.allSettled([...pending]);
}
