import { AsyncLocalStorage } from 'node:async_hooks';

/** The SSH connection a guest command runs under, as far as a lab fault needs it. */
export interface SshSession {
  /** Drops the TCP connection at once: no exit-status, no channel close, no SSH disconnect message. */
  hangUp(): void;
}

// Carried through just-bash's async calls, so a command deep in a pipeline (`curl | sh -`) finds its session.
const current = new AsyncLocalStorage<SshSession>();

export function runInSshSession<T>(session: SshSession, work: () => T): T {
  return current.run(session, work);
}

/** The session the running code was started from, or undefined outside one (e.g. `pct exec`). */
export function currentSshSession(): SshSession | undefined {
  return current.getStore();
}
