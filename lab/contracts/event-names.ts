let lastNanos = 0n;

/**
 * client-go's recorder names an event `<object>.<hex of UnixNano>`, so an object's events list in the order they
 * happened; the lab's kubelets and controllers name theirs the same way. Strictly increasing, so two events in the
 * same millisecond keep distinct names.
 */
export function eventName(objectName: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  lastNanos = now > lastNanos ? now : lastNanos + 1n;
  return `${objectName}.${lastNanos.toString(16)}`;
}
