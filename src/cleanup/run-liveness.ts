import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { InputProblem } from '../errors';
import type { ProxmoxNodeClient } from '../proxmox/proxmox-node-client';
import { processAlive, readLedgerFiles } from './cleanup-ledger';
import { containerOwner, describeOwner, type RunOwner } from './run-mark';

/**
 * Whether the run that marked a resource is still going, so no other run adopts, starts, stops or removes what it is
 * building. On this machine its process answers for it (and a process that started after the run did is a reused
 * pid, not the run); a run on another machine is seen only through a ledger it keeps in a shared SUITE_LEDGER_DIR
 * (still open: still going). A run the suite cannot see is taken as over.
 */
export function isRunLive(owner: RunOwner, ledgerDir: string, self: { runId: string }): boolean {
  if (owner.runId === self.runId || owner.pid === undefined) return false;
  if (owner.host === hostname()) return processAlive(owner.pid) && !startedAfter(owner.pid, owner.startedAt);
  return readLedgerFiles(ledgerDir).some(({ run, open }) => run.runId === owner.runId && open.length > 0);
}

// Clock ticks per second for /proc/<pid>/stat's starttime (USER_HZ, 100 on every Linux the suite runs on).
const USER_HZ = 100;

/** True when /proc says the process began after `startedAt` (so the pid was reused); false when it cannot tell. */
function startedAfter(pid: number, startedAt: string | undefined): boolean {
  if (!startedAt) return false;
  try {
    const bootTime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    // Field 22 of /proc/<pid>/stat, counted after the parenthesised command name, which may hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const processStart = (bootTime + Number(fields[19]) / USER_HZ) * 1000;
    return processStart > new Date(startedAt).getTime() + 1000;
  } catch {
    return false;
  }
}

/** The run building the container at `vmid`, when it is another run that is still going: not this run's to touch. */
export async function otherLiveBuilder(proxmox: ProxmoxNodeClient, vmid: number, run: { isLive(owner: RunOwner): boolean }): Promise<RunOwner | undefined> {
  const config = await proxmox.containerConfig(vmid).catch(() => undefined);
  const owner = config && containerOwner(config);
  return owner && run.isLive(owner) ? owner : undefined;
}

/** The input problem of a worker another run is building right now. */
export function anotherRunProblem(worker: { vmid: number; hostname: string }, owner: RunOwner): InputProblem {
  return {
    input: `vmid "${worker.vmid}"`,
    problem: `CT ${worker.vmid} (${worker.hostname}) is being built right now by another run of the suite, ${describeOwner(owner)}; this run will not adopt, start, stop or remove it`,
    fix: 'wait for that run to finish and run again (a re-run verifies a joined worker without reinstalling it), or give this run another VMID, hostname and address',
  };
}
