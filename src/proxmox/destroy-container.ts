import type { Evidence } from '../report/evidence';
import type { Waits } from '../waiting/waits';
import type { ProxmoxNodeClient } from './proxmox-node-client';
import { runTask } from './run-task';

/**
 * Stops a container if it runs, then destroys it with its disks (`pct stop; pct destroy --purge`), each task waited
 * for under its own deadline with config-lock retries; the destroy task's log goes to the report.
 */
export async function destroyContainer(proxmox: ProxmoxNodeClient, vmid: number, running: boolean, waits: Waits, evidence: Evidence): Promise<void> {
  const retrying = (message: string) => evidence.note(message);
  if (running) await runTask(proxmox, () => proxmox.stopContainer(vmid), waits.deadline('task', `CT ${vmid} stop`), retrying);
  const destroyed = await runTask(proxmox, () => proxmox.destroyContainer(vmid), waits.deadline('task', `CT ${vmid} destroy`), retrying);
  evidence.attach(`Proxmox task log: destroy CT ${vmid}`, destroyed.log.join('\n'));
}
