import { ApiError } from '../api/envelope';
import { configDigest, parsePctConfig, renderPctConfig, type PctConfig } from './conf-file';

export interface LoadedConfig {
  conf: PctConfig;
  text: string;
  digest: string;
}

/**
 * The node's /etc/pve/lxc: one config file's text per VMID. The text is the truth (as on pmxcfs), so edits by
 * hand on the host and writes through the API land in the same place and change the same digest.
 */
export class ContainerStore {
  private readonly files = new Map<number, { text: string; createdAt: number }>();

  constructor(readonly nodeName: string) {}

  has(vmid: number): boolean {
    return this.files.has(vmid);
  }

  vmids(): number[] {
    return [...this.files.keys()].sort((a, b) => a - b);
  }

  /** load_config: the parsed file, or the 500 a real node gives for a missing one. */
  load(vmid: number): LoadedConfig {
    const file = this.files.get(vmid);
    if (!file) throw new ApiError(500, `Configuration file 'nodes/${this.nodeName}/lxc/${vmid}.conf' does not exist`);
    return { conf: parsePctConfig(file.text), text: file.text, digest: configDigest(file.text) };
  }

  text(vmid: number): string | undefined {
    return this.files.get(vmid)?.text;
  }

  /** When the file first appeared (epoch ms): a brand-new CT is still `unknown` to the status daemon. */
  createdAt(vmid: number): number | undefined {
    return this.files.get(vmid)?.createdAt;
  }

  /** `createdAt` for a file older than the lab (a guest that was there before it started). */
  write(vmid: number, conf: PctConfig, createdAt?: number): void {
    this.writeText(vmid, renderPctConfig(conf), createdAt);
  }

  /** Replaces the file's text as-is (a hand edit on the host, or fault injection from a test). */
  writeText(vmid: number, text: string, createdAt?: number): void {
    const existing = this.files.get(vmid);
    this.files.set(vmid, { text, createdAt: createdAt ?? existing?.createdAt ?? Date.now() });
  }

  remove(vmid: number): void {
    this.files.delete(vmid);
  }
}
