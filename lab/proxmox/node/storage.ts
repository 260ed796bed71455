import { ApiError } from '../api/envelope';
import type { ContainerRuntime } from '../../contracts/container-runtime';
import type { FaultPlan } from '../faults';

export interface StorageDefinition {
  storage: string;
  type: 'dir' | 'lvmthin' | 'nfs';
  content: string[];
  totalBytes: number;
  usedBytes: number;
  /** Reachable from every node with the same content (storage.cfg `shared 1`, implied for nfs). */
  shared: boolean;
}

const GiB = 1024 ** 3;

/**
 * A fresh PVE 8 install: `local` (dir, templates) and `local-lvm` (lvmthin, container and VM disks), each node's own;
 * local-lvm's size is the node's.
 */
export function localStorages(localLvm: { totalBytes: number; usedBytes: number }): StorageDefinition[] {
  return [
    { storage: 'local', type: 'dir', content: ['backup', 'iso', 'vztmpl'], totalBytes: 100 * GiB, usedBytes: 12 * GiB, shared: false },
    { storage: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], ...localLvm, shared: false },
  ];
}

/** The one storage every node of the lab's cluster shares: an NFS export for guest disks. */
export const SHARED_STORAGE: StorageDefinition = {
  storage: 'shared',
  type: 'nfs',
  content: ['images', 'rootdir'],
  totalBytes: 2048 * GiB,
  usedBytes: 310 * GiB,
  shared: true,
};

export interface TemplateVolume {
  volid: string;
  format: string;
  size: number;
  content: 'vztmpl';
  ctime: number;
}

/**
 * The node's storages as storage.cfg defines them; templates come from what the container runtime can unpack.
 * Storages and templates a lab fault removed are gone from both.
 */
export class NodeStorage {
  private readonly ctime = Math.floor(Date.now() / 1000) - 86400;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly faults: FaultPlan,
    private readonly definitions: StorageDefinition[],
  ) {}

  list(): StorageDefinition[] {
    return this.definitions.filter((s) => !this.faults.storageRemoved(s.storage));
  }

  /** pve-storage Storage.pm storage_config: `storage 'x' does not exist` for an id not in storage.cfg. */
  get(storage: string): StorageDefinition {
    const found = this.list().find((s) => s.storage === storage);
    if (!found) throw new ApiError(500, `storage '${storage}' does not exist`);
    return found;
  }

  templates(): TemplateVolume[] {
    return this.allTemplates().filter((t) => !this.faults.templateRemoved(t.volid));
  }

  templateExists(volid: string): boolean {
    return this.templates().some((t) => t.volid === volid);
  }

  private allTemplates(): TemplateVolume[] {
    return this.runtime.templates().map((file) => ({
      volid: `local:vztmpl/${file}`,
      format: templateFormat(file),
      // Proxmox's ubuntu-22.04-standard template is about 130 MB compressed.
      size: 129_824_858 + file.length,
      content: 'vztmpl',
      ctime: this.ctime,
    }));
  }
}

/** pve-storage names template formats after the archive: .tar.zst → tzst, .tar.gz → tgz, .tar.xz → txz. */
function templateFormat(file: string): string {
  const ext = file.match(/\.tar\.(zst|gz|xz|bz2)$/)?.[1];
  return ext ? `t${ext}` : 'raw';
}
