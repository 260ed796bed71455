import { defineCommand, type Command } from 'just-bash';
import { writeOutput, type GuestView } from '../guest-view';
import { broadcast, guestInterfaces, type GuestInterface } from '../guest-interfaces';

const SCOPES = ['global', 'host', 'link'];

/** iproute2's `ip [-4|-6] [-o] addr [show] [[dev] IFACE] [scope global|host|link]`, the only `ip` object the suite reads. */
export function ipCommand(view: GuestView): Command {
  return defineCommand('ip', async (args) => {
    const family = args.includes('-4') ? 4 : args.includes('-6') ? 6 : 0;
    const oneline = args.includes('-o') || args.includes('-oneline');
    const words = args.filter((arg) => !arg.startsWith('-'));
    const object = words[0] ?? '';
    if (!['a', 'ad', 'addr', 'address'].includes(object)) {
      return writeOutput('', `Object "${object}" is unknown, try "ip help".\n`, 1);
    }
    let device: string | undefined;
    let scope: string | undefined;
    const rest = words.slice(1).filter((word) => !['show', 'list'].includes(word));
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === 'scope') {
        scope = rest[++i];
        if (!scope || !SCOPES.includes(scope)) return writeOutput('', `Error: argument "${scope ?? ''}" is wrong: invalid scope value.\n`, 255);
      } else if (rest[i] === 'dev') device = rest[++i];
      else device = rest[i];
    }
    const all = guestInterfaces(view.bootConfig());
    const selected = device ? all.filter((iface) => iface.name === device) : all;
    if (device && !selected.length) return writeOutput('', `Device "${device}" does not exist.\n`, 1);
    const inScope = selected.filter((iface) => !scope || scope === (iface.name === 'lo' ? 'host' : family === 6 ? 'link' : 'global'));
    return writeOutput(inScope.map((iface) => (oneline ? renderOneline(iface, family) : render(iface, family))).join(''));
  });
}

/** `-o`: one line per address, the continuation joined with a backslash, as iproute2 prints for scripts. */
function renderOneline(iface: GuestInterface, family: number): string {
  const lines: string[] = [];
  const tail = '\\       valid_lft forever preferred_lft forever';
  if (family !== 6 && iface.inet) {
    const [ip, prefix] = iface.inet.split('/');
    const detail = iface.name === 'lo' ? `inet ${iface.inet} scope host lo` : `inet ${iface.inet} brd ${broadcast(ip, Number(prefix))} scope global ${iface.name}`;
    lines.push(`${iface.index}: ${iface.name}    ${detail}${tail}`);
  }
  if (family !== 4 && iface.inet6) {
    lines.push(`${iface.index}: ${iface.name}    inet6 ${iface.inet6} scope ${iface.name === 'lo' ? 'host' : 'link'} ${tail}`);
  }
  return lines.map((line) => line + '\n').join('');
}

function render(iface: GuestInterface, family: number): string {
  const loopback = iface.name === 'lo';
  const name = iface.peerIndex ? `${iface.name}@if${iface.peerIndex}` : iface.name;
  const flags = loopback ? '<LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN' : '<BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP';
  const netns = loopback ? '' : ' link-netnsid 0';
  const lines: string[] = [];
  if (family === 0) {
    lines.push(`${iface.index}: ${name}: ${flags} group default qlen 1000`);
    lines.push(loopback ? '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00' : `    link/ether ${iface.hwaddr} brd ff:ff:ff:ff:ff:ff${netns}`);
  } else {
    // Without the link line, iproute2 appends link-netnsid to the header.
    lines.push(`${iface.index}: ${name}: ${flags} group default qlen 1000${netns}`);
  }
  if (family !== 6 && iface.inet) {
    const [ip, prefix] = iface.inet.split('/');
    lines.push(loopback ? `    inet ${iface.inet} scope host lo` : `    inet ${iface.inet} brd ${broadcast(ip, Number(prefix))} scope global ${iface.name}`);
    lines.push('       valid_lft forever preferred_lft forever');
  }
  if (family !== 4 && iface.inet6) {
    lines.push(`    inet6 ${iface.inet6} scope ${loopback ? 'host' : 'link'} `);
    lines.push('       valid_lft forever preferred_lft forever');
  }
  return lines.join('\n') + '\n';
}
