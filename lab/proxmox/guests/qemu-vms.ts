import { createHash, randomUUID } from 'node:crypto';
import { ApiError } from '../api/envelope';
import { configDigest, parsePctConfig, renderPctConfig } from './conf-file';
import { generateHardwareAddress } from './hardware-address';

/** A QEMU VM that was running on the node before the lab started; the lab emulates its config and power, not QEMU. */
export interface ResidentVmSpec {
  vmid: number;
  name: string;
  cores: number;
  memoryMiB: number;
  diskGiB: number;
  /** Its cloud-init address, `192.168.2.30/24` (ipconfig0). */
  cidr: string;
  gateway: string;
}

interface Vm {
  text: string;
  startedAt: number;
  running: boolean;
}

/**
 * qemu-server's options that check_type (PVE/QemuServer.pm) returns as numbers when the API reads a config: integers
 * and booleans. `memory` is a property string since qemu-server 8 and stays text.
 */
const NUMERIC = new Set(['cores', 'sockets', 'vcpus', 'balloon', 'cpuunits', 'numa', 'onboot', 'tablet', 'acpi', 'kvm', 'protection', 'template', 'reboot']);

/** A node's /etc/pve/qemu-server: the QEMU VMs it hosts, as their config files and power state. */
export class QemuVms {
  private readonly vms = new Map<number, Vm>();

  constructor(readonly nodeName: string) {}

  /** Writes the VM's config as a fresh PVE 8 install's wizard would (OVMF, q35, virtio SCSI, cloud-init drive). */
  addResident(spec: ResidentVmSpec, startedAt: number): { hwaddr: string; ip: string } {
    const hwaddr = generateHardwareAddress();
    const options: Record<string, string> = {
      agent: '1',
      bios: 'ovmf',
      boot: 'order=scsi0',
      cores: String(spec.cores),
      cpu: 'host',
      efidisk0: `local-lvm:vm-${spec.vmid}-disk-0,efitype=4m,size=4M`,
      ide2: `local-lvm:vm-${spec.vmid}-cloudinit,media=cdrom`,
      ipconfig0: `ip=${spec.cidr},gw=${spec.gateway}`,
      machine: 'q35',
      memory: String(spec.memoryMiB),
      meta: `creation-qemu=9.0.2,ctime=${Math.floor(startedAt / 1000) - 86400 * 30}`,
      name: spec.name,
      net0: `virtio=${hwaddr},bridge=vmbr0`,
      onboot: '1',
      ostype: 'l26',
      scsi0: `local-lvm:vm-${spec.vmid}-disk-1,discard=on,size=${spec.diskGiB}G,ssd=1`,
      scsihw: 'virtio-scsi-pci',
      smbios1: `uuid=${uuidFrom(`smbios-${spec.vmid}`)}`,
      vmgenid: randomUUID(),
    };
    this.vms.set(spec.vmid, { text: renderPctConfig({ options, lxc: [] }), startedAt, running: true });
    return { hwaddr, ip: spec.cidr.split('/')[0] };
  }

  vmids(): number[] {
    return [...this.vms.keys()].sort((a, b) => a - b);
  }

  has(vmid: number): boolean {
    return this.vms.has(vmid);
  }

  /** PVE::QemuConfig load_config: the options as written, or the 500 for a VM this node does not have. */
  options(vmid: number): Record<string, string> {
    return parsePctConfig(this.vm(vmid).text).options;
  }

  /** GET .../qemu/{vmid}/config: typed options and the digest. */
  config(vmid: number): Record<string, unknown> {
    const vm = this.vm(vmid);
    const typed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parsePctConfig(vm.text).options)) typed[key] = NUMERIC.has(key) ? Number(value) : value;
    return { ...typed, digest: configDigest(vm.text) };
  }

  isRunning(vmid: number): boolean {
    return this.vm(vmid).running;
  }

  startedAt(vmid: number): number {
    return this.vm(vmid).startedAt;
  }

  /** The size of the first disk in `boot: order=...` (QemuServer/Drive.pm bootdisk_size), 0 without one. */
  bootDiskBytes(vmid: number): number {
    const options = this.options(vmid);
    const disk = options.boot?.match(/order=([a-z]+\d+)/)?.[1];
    const size = disk ? options[disk]?.match(/size=(\d+)([MG])/) : undefined;
    return size ? Number(size[1]) * (size[2] === 'G' ? 1024 ** 3 : 1024 ** 2) : 0;
  }

  /** Disks on a storage: [volume name, size in bytes] (efidisk, scsi/sata/virtio/ide disks, the cloud-init drive). */
  volumes(vmid: number, storage: string): Array<[string, number]> {
    return Object.entries(this.options(vmid))
      .filter(([key]) => /^(efidisk|scsi|sata|virtio|ide|tpmstate)\d+$/.test(key))
      .map(([, value]) => value.match(/^([^:,]+):([^,]+)(?:.*?size=(\d+)([MG]))?/))
      .filter((m): m is RegExpMatchArray => m !== null && m[1] === storage)
      .map((m) => [m[2], Number(m[3] ?? 4) * (m[4] === 'G' ? 1024 ** 3 : 1024 ** 2)]);
  }

  private vm(vmid: number): Vm {
    const vm = this.vms.get(vmid);
    if (!vm) throw new ApiError(500, `Configuration file 'nodes/${this.nodeName}/qemu-server/${vmid}.conf' does not exist`);
    return vm;
  }
}

/** A stable UUID for a name, so a VM keeps its SMBIOS UUID between lab runs. */
function uuidFrom(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
