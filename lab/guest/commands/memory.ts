import { defineCommand, type Command } from 'just-bash';
import type { LxcGuestConfig } from '../../contracts/container-runtime';
import { memoryUsedMiB, writeOutput, type GuestView } from '../guest-view';

/** free(1) from procps-ng, fed by lxcfs: totals are the container's limits, not the host's. */
export function freeCommand(view: GuestView): Command {
  return defineCommand('free', async (args) => {
    const unit = args.includes('-m') || args.includes('--mebi') ? 'm' : args.includes('-g') ? 'g' : args.includes('-h') || args.includes('--human') ? 'h' : 'k';
    const config = view.bootConfig();
    const kib = (mib: number) => mib * 1024;
    const used = memoryUsedMiB(view);
    const cache = 64;
    const rows: Array<[string, number[]]> = [
      ['Mem:', [kib(config.memoryMiB), kib(used), kib(config.memoryMiB - used - cache), 0, kib(cache), kib(config.memoryMiB - used)]],
      ['Swap:', [kib(config.swapMiB), 0, kib(config.swapMiB)]],
    ];
    const show = (value: number) =>
      unit === 'm' ? String(Math.floor(value / 1024)) : unit === 'g' ? String(Math.floor(value / 1024 ** 2)) : unit === 'h' ? human(value * 1024) : String(value);
    const header = ' '.repeat(8) + ['total', 'used', 'free', 'shared', 'buff/cache', 'available'].map((h) => h.padStart(12)).join('');
    const lines = rows.map(([label, values]) => label.padEnd(8) + values.map((v) => show(v).padStart(12)).join(''));
    return writeOutput([header, ...lines].join('\n') + '\n');
  });
}

/** procps' human format: 3.9Gi, 512Mi, 0B. */
function human(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ['Ki', 'Mi', 'Gi', 'Ti'];
  let value = bytes / 1024;
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  return (value < 10 ? value.toFixed(1) : String(Math.round(value))) + units[index];
}

/** /proc/meminfo as lxcfs renders it for the container. */
export function procMeminfo(config: LxcGuestConfig, usedMiB: number): string {
  const total = config.memoryMiB * 1024;
  const free = total - usedMiB * 1024 - 65536;
  const rows: Array<[string, number]> = [
    ['MemTotal', total], ['MemFree', free], ['MemAvailable', total - usedMiB * 1024], ['Buffers', 0], ['Cached', 65536],
    ['SwapCached', 0], ['Active', 40960], ['Inactive', 51200], ['SwapTotal', config.swapMiB * 1024], ['SwapFree', config.swapMiB * 1024],
    ['Shmem', 128], ['Slab', 0],
  ];
  return rows.map(([key, value]) => `${(key + ':').padEnd(16)}${String(value).padStart(8)} kB`).join('\n') + '\n';
}
