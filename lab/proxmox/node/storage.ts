import { ApiError } from '../api/envelope';
import type { ContainerRuntime } from '../../contracts/container-runtime';
import type { FaultPlan } from '../faults';

export interface StorageDefinition {
  storage: string;
  type: 'dir' | 'lvmthin';
  content: string[];
  totalBytes: number;
}

const GiB = 1024 ** 3;

/** A fresh PVE 8 install: `local` (dir, templates) and `local-lvm` (lvmthin, container and VM disks). */
export const DEFAULT_STORAGES: StorageDefinition[] = [
  { storage: 'local', type: 'dir', content: ['backup', 'iso', 'vztmpl'], totalBytes: 100 * GiB },
  { storage: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], totalBytes: 800 * GiB },
];

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
  ) {}

  list(): StorageDefinition[] {
    return DEFAULT_STORAGES.filter((s) => !this.faults.storageRemoved(s.storage));
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
