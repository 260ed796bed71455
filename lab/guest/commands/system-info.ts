import { defineCommand, type Command } from 'just-bash';
import { guestAddress, visibleCores, writeOutput, type GuestView } from '../guest-view';
import { PVE_KERNEL } from '../templates';

/** nproc, uname, hostname, whoami and id: what the guest tells about itself. */
export function systemInfoCommands(view: GuestView): Command[] {
  const hostname = () => view.bootConfig().hostname;
  return [
    defineCommand('nproc', async () => writeOutput(`${visibleCores(view.bootConfig())}\n`)),
    defineCommand('whoami', async () => writeOutput('root\n')),
    defineCommand('id', async () => writeOutput('uid=0(root) gid=0(root) groups=0(root)\n')),
    defineCommand('hostname', async (args) => {
      if (args.includes('-I') || args.includes('--all-ip-addresses')) {
        const address = guestAddress(view.bootConfig());
        return writeOutput(address ? `${address.ip} \n` : '\n');
      }
      if (args.includes('-i')) return writeOutput(`${guestAddress(view.bootConfig())?.ip ?? '127.0.1.1'}\n`);
      return writeOutput(`${hostname()}\n`);
    }),
    defineCommand('uname', async (args) => {
      const fields = {
        s: 'Linux', n: hostname(), r: PVE_KERNEL.release, v: PVE_KERNEL.version, m: 'x86_64', p: 'x86_64', i: 'x86_64', o: 'GNU/Linux',
      };
      const flags = args.flatMap((arg) => (arg === '--all' ? ['a'] : arg.startsWith('-') ? [...arg.slice(1)] : []));
      if (flags.includes('a')) return writeOutput(Object.values(fields).join(' ') + '\n');
      const order = ['s', 'n', 'r', 'v', 'm', 'p', 'i', 'o'] as const;
      const wanted = order.filter((flag) => flags.includes(flag));
      return writeOutput((wanted.length ? wanted : ['s' as const]).map((flag) => fields[flag]).join(' ') + '\n');
    }),
  ];
}
