import { defineCommand, type Command } from 'just-bash';
import { writeOutput, type GuestView } from '../guest-view';
import { formatShort } from '../journal';
import { Systemd } from '../systemd';

/** journalctl [-u UNIT]... [-n N] [--no-pager] [-o short|cat]: what the suite reads to explain a stuck agent. */
export function journalctlCommand(view: GuestView): Command {
  return defineCommand('journalctl', async (args) => {
    const units: string[] = [];
    let lines: number | undefined;
    let output = 'short';
    for (let i = 0; i < args.length; i += 1) {
      const arg = args[i];
      const value = () => args[++i] ?? '';
      if (arg === '-u' || arg === '--unit') units.push(Systemd.unitName(value()));
      else if (arg.startsWith('--unit=')) units.push(Systemd.unitName(arg.slice(7)));
      else if (arg.startsWith('-u') && arg.length > 2) units.push(Systemd.unitName(arg.slice(2)));
      else if (arg === '-n' || arg === '--lines') lines = Number(value());
      else if (arg.startsWith('--lines=')) lines = Number(arg.slice(8));
      else if (/^-n\d+$/.test(arg)) lines = Number(arg.slice(2));
      else if (arg === '-e' || arg === '--pager-end') lines = lines ?? 1000;
      else if (arg === '-o' || arg === '--output') output = value();
      else if (arg.startsWith('--output=')) output = arg.slice(9);
      else if (arg === '-f' || arg === '--follow') return writeOutput('', 'journalctl: --follow is not supported by the lab guest\n', 1);
    }
    let entries = units.length ? view.journal.all().filter((entry) => units.includes(entry.unit)) : view.journal.all();
    if (lines !== undefined && Number.isFinite(lines)) entries = entries.slice(-lines);
    if (!entries.length) return writeOutput('-- No entries --\n');
    const hostname = view.bootConfig().hostname;
    const text = entries.map((entry) => (output === 'cat' ? entry.message : formatShort(entry, hostname)));
    return writeOutput(text.join('\n') + '\n');
  });
}
