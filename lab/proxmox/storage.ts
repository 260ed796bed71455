import { ApiError } from './envelope';
import type { ContainerRuntime } from '../contracts/container-runtime';

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

/** The node's storages as storage.cfg defines them; templates come from what the container runtime can unpack. */
export class NodeStorage {
  private readonly ctime = Math.floor(Date.now() / 1000) - 86400;

  constructor(private readonly runtime: ContainerRuntime) {}

  list(): StorageDefinition[] {
    return DEFAULT_STORAGES;
  }

  /** storage_check_enabled: `storage 'x' does not exist` for an unknown id. */
  get(storage: string): StorageDefinition {
    const found = DEFAULT_STORAGES.find((s) => s.storage === storage);
    if (!found) throw new ApiError(500, `storage '${storage}' does not exist`);
    return found;
  }

  templates(): TemplateVolume[] {
    return this.runtime.templates().map((file) => ({
      volid: `local:vztmpl/${file}`,
      format: templateFormat(file),
      // Proxmox's ubuntu-22.04-standard template is about 130 MB compressed.
      size: 129_824_858 + file.length,
      content: 'vztmpl',
      ctime: this.ctime,
    }));
  }

  templateExists(volid: string): boolean {
    return this.templates().some((t) => t.volid === volid);
  }
}

/** pve-storage names template formats after the archive: .tar.zst → tzst, .tar.gz → tgz, .tar.xz → txz. */
function templateFormat(file: string): string {
  const ext = file.match(/\.tar\.(zst|gz|xz|bz2)$/)?.[1];
  return ext ? `t${ext}` : 'raw';
}
