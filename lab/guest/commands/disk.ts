import { defineCommand, type Command } from 'just-bash';
import { writeOutput, type GuestView } from '../guest-view';

/**
 * df(1) from GNU coreutils for the root filesystem: an ext4 LV on local-lvm. Device-mapper doubles the hyphens
 * inside VG/LV names, so LV vm-102-disk-0 in VG pve appears as /dev/mapper/pve-vm--102--disk--0.
 */
export function dfCommand(view: GuestView): Command {
  return defineCommand('df', async (args) => {
    const human = args.some((arg) => /^-[a-zA-Z]*h/.test(arg) || arg === '--human-readable');
    const config = view.bootConfig();
    const device = `/dev/mapper/pve-vm--${config.vmid}--disk--0`;
    // ext4 keeps ~2.5% for metadata and reserves 5% of blocks for root.
    const size = Math.floor(config.rootfsGiB * 1024 ** 3 * 0.975);
    const used = view.template.usedBytes;
    const avail = Math.max(0, size - used - Math.floor(config.rootfsGiB * 1024 ** 3 * 0.05));
    const percent = `${Math.ceil((used / (used + avail)) * 100)}%`;
    const show = (bytes: number) => (human ? humanSize(bytes) : String(Math.ceil(bytes / 1024)));
    const header = ['Filesystem', human ? 'Size' : '1K-blocks', 'Used', human ? 'Avail' : 'Available', 'Use%', 'Mounted on'];
    const row = [device, show(size), show(used), show(avail), percent, '/'];
    const widths = [14, 5, 5, 5, 4].map((min, i) => Math.max(min, header[i].length, row[i].length));
    const format = (cells: string[]) =>
      [cells[0].padEnd(widths[0]), ...cells.slice(1, 5).map((cell, i) => cell.padStart(widths[i + 1])), cells[5]].join(' ');
    return writeOutput(`${format(header)}\n${format(row)}\n`);
  });
}

/** coreutils' -h: powers of 1024, rounded up, one decimal below 10. */
function humanSize(bytes: number): string {
  const units = ['K', 'M', 'G', 'T'];
  let value = bytes / 1024;
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  if (value < 10) {
    const rounded = Math.ceil(value * 10) / 10;
    return rounded >= 10 ? `${Math.ceil(rounded)}${units[index]}` : `${rounded.toFixed(1)}${units[index]}`;
  }
  return `${Math.ceil(value)}${units[index]}`;
}
