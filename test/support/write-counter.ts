import type { RunningLab } from '../../lab';

/** Writes that reached the lab from anyone but its own kubelets (whose heartbeats are writes too). */
export function suiteWrites(lab: RunningLab): number {
  return lab.proxmox.writeCount() + lab.k3s.writes().filter((write) => !write.user.startsWith('system:node:')).length;
}
