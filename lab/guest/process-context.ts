import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExecResult } from '../contracts/container-runtime';
import type { GuestProcess, ProcessTable } from './process-table';

/** The SSH connection a session runs under, as far as a lab fault needs it. */
export interface SshConnection {
  /** Drops the TCP connection at once: no exit-status, no channel close, no SSH disconnect message. */
  hangUp(): void;
}

/** The channel a session's output goes to; once the client has closed it, a write to it is SIGPIPE. */
export interface SessionChannel {
  closed: boolean;
  /** Processes forked off the session that still hold its output: the channel stays open until they end. */
  holders: Array<Promise<ExecResult>>;
}

/** What code running in the guest knows about the process it runs as. */
export interface ProcessContext {
  process: GuestProcess;
  table: ProcessTable;
  /** Set for processes of an SSH session (not `pct exec`, not services). */
  connection?: SshConnection;
  channel?: SessionChannel;
}

// Carried through just-bash's async calls, so a command deep in a pipeline (`curl | sh -`) finds its process.
const current = new AsyncLocalStorage<ProcessContext>();

export function runAsProcess<T>(context: ProcessContext, work: () => T): T {
  return current.run(context, work);
}

/** The process the running code belongs to, or undefined outside any (lab code, tests). */
export function currentProcess(): ProcessContext | undefined {
  return current.getStore();
}
