import { createHash } from 'node:crypto';

/**
 * /etc/pve/lxc/VMID.conf as PVE::LXC::Config parses and writes it (parse_pct_config / write_pct_config):
 * `key: value` lines for Proxmox options, raw `lxc.*` lines kept in file order, `#` lines as the description.
 */
export interface PctConfig {
  /** Proxmox options as written in the file (strings); typed only when the API answers. */
  options: Record<string, string>;
  /** Raw LXC keys in file order, e.g. ['lxc.apparmor.profile', 'unconfined']. */
  lxc: Array<[string, string]>;
  description?: string;
}

/** The API's `digest`: sha1 of the file's bytes, so any edit (even by hand on the host) changes it. */
export function configDigest(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export function parsePctConfig(text: string): PctConfig {
  const conf: PctConfig = { options: {}, lxc: [] };
  let description = '';
  for (const line of text.split('\n')) {
    if (/^\s*$/.test(line)) continue;
    // Snapshot and pending sections follow the current config; the lab keeps neither (see LIMITATIONS.md).
    if (/^\[[a-z][a-z0-9_:\-]+\]\s*$/i.test(line)) break;
    let match: RegExpMatchArray | null;
    if ((match = line.match(/^#(.*)$/))) description += decodeText(match[1]) + '\n';
    else if ((match = line.match(/^(lxc\.[a-z0-9_\-.]+)(:|\s*=)\s*(.*?)\s*$/))) conf.lxc.push([match[1], match[3]]);
    else if ((match = line.match(/^description:\s*(.*\S)\s*$/))) description += decodeText(match[1]);
    else if ((match = line.match(/^([a-z][a-z_]*\d*):\s*(.+?)\s*$/))) conf.options[match[1]] = match[2];
    // Anything else real PVE only warns about ("unable to parse config: ...") and drops.
  }
  if (description) conf.description = description;
  return conf;
}

export function renderPctConfig(conf: PctConfig): string {
  let raw = '';
  for (const line of (conf.description ?? '').split('\n').filter((l) => l !== '')) raw += `#${encodeText(line)}\n`;
  for (const key of Object.keys(conf.options).sort()) raw += `${key}: ${conf.options[key]}\n`;
  for (const [key, value] of conf.lxc) raw += `${key}: ${value}\n`;
  return raw;
}

// PVE::Tools::encode_text / decode_text: percent-escape what would break a line.
function encodeText(text: string): string {
  return text.replace(/[%\x00-\x1f]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

function decodeText(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
