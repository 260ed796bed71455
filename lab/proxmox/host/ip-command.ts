import { defineCommand, type Command } from 'just-bash';
import type { Neighbours } from '../node/neighbours';

/**
 * `ip` (iproute2 6.1, Debian 12), its neighbour part: `ip neigh [show] [to] [ADDR] [dev vmbr0]` prints the node's
 * ARP table. Other objects are not emulated and answer as iproute2 answers an unknown one.
 */
export function ipCommand(neighbours: Neighbours): Command {
  return defineCommand('ip', async (args) => {
    const words = args.filter((arg) => !/^-\d$/.test(arg));
    const object = words[0] ?? '';
    if (!/^n(e(i(gh?(b(o(u?r?)?)?)?)?)?)?$/.test(object)) {
      return { stdout: '', stderr: `Object "${object}" is unknown, try "ip help".\n`, exitCode: 255 };
    }
    const rest = words.slice(1).filter((word) => !['show', 'list', 'ls', 'to', 'dev', 'vmbr0'].includes(word));
    const lines = neighbours.lines(rest.find((word) => /^\d+(\.\d+){3}$/.test(word)));
    return { stdout: lines.map((line) => `${line}\n`).join(''), stderr: '', exitCode: 0 };
  });
}
