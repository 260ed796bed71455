/**
 * Sizes as the story writes them ("8GB RAM", "50GB disk"). Proxmox counts memory in MiB and disks in GiB, and the
 * story's GB means those binary units (8GB RAM = memory 8192). Anything else, such as "8 GiB" or "8g", is refused
 * with the accepted form, so a typo can never allocate a surprising size.
 */
const STORY_SIZE = /^(\d+)(MB|GB|TB)$/;
const UNIT_MIB = { MB: 1, GB: 1024, TB: 1024 * 1024 } as const;

export type SizeParse = { ok: true; mib: number } | { ok: false; problem: string; fix: string };

export function parseStorySize(text: string): SizeParse {
  const match = STORY_SIZE.exec(text.trim());
  if (!match) {
    return {
      ok: false,
      problem: `"${text}" is not a size in the story's notation`,
      fix: 'write a whole number directly followed by MB, GB or TB, e.g. 8GB (GB here means GiB, as Proxmox counts)',
    };
  }
  const mib = Number(match[1]) * UNIT_MIB[match[2] as keyof typeof UNIT_MIB];
  if (mib <= 0) return { ok: false, problem: `"${text}" is zero`, fix: 'give a size above zero' };
  return { ok: true, mib };
}
