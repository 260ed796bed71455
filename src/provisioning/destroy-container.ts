import { runTask } from '../proxmox/run-task';
import { Deadline } from '../waiting/deadline';
import { Evidence } from './evidence';
import { Target } from './target';

/**
 * Stops a container if it runs, then destroys it with its disks (`pct stop; pct destroy --purge`), each task waited
 * for under its own deadline with config-lock retries; the destroy task's log goes to the report.
 */
export async function destroyContainer(target: Target, vmid: number, running: boolean, timeoutMs: number, evidence: Evidence): Promise<void> {
  const retrying = (message: string) => evidence.note(message);
  if (running) await runTask(target.proxmox, () => target.proxmox.stopContainer(vmid), new Deadline(`CT ${vmid} stop`, timeoutMs), retrying);
  const destroyed = await runTask(target.proxmox, () => target.proxmox.destroyContainer(vmid), new Deadline(`CT ${vmid} destroy`, timeoutMs), retrying);
  evidence.attach(`Proxmox task log: destroy CT ${vmid}`, destroyed.log.join('\n'));
}
