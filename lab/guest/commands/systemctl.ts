import { defineCommand, type Command } from 'just-bash';
import { writeOutput, type GuestView } from '../guest-view';
import { formatShort } from '../journal';
import { whenKilled } from '../process-table';
import { Systemd } from '../systemd';

const WANTS = '/etc/systemd/system/multi-user.target.wants';

/** systemctl with the verbs the suite and the k3s installer use, with systemd 249's output and exit codes. */
export function systemctlCommand(view: GuestView): Command {
  return defineCommand('systemctl', async (args, ctx) => {
    const flags = args.filter((arg) => arg.startsWith('-'));
    const [verb, ...names] = args.filter((arg) => !arg.startsWith('-'));
    const quiet = flags.includes('--quiet') || flags.includes('-q');
    const units = names.map(Systemd.unitName);
    const systemd = view.systemd;
    switch (verb) {
      case 'daemon-reload':
        return writeOutput('');
      case 'is-active': {
        const states = units.map((unit) => systemd.runtime(unit).state);
        return writeOutput(quiet ? '' : states.map((state) => `${state}\n`).join(''), '', states.every((s) => s === 'active') ? 0 : 3);
      }
      case 'is-enabled': {
        const lines: string[] = [];
        let exitCode = 0;
        for (const unit of units) {
          if (!(await systemd.unitPath(unit))) {
            return writeOutput('', `Failed to get unit file state for ${unit}: No such file or directory\n`, 1);
          }
          const enabled = await view.fs.exists(`${WANTS}/${unit}`);
          lines.push(enabled ? 'enabled' : 'disabled');
          if (!enabled) exitCode = 1;
        }
        return writeOutput(quiet ? '' : lines.map((l) => `${l}\n`).join(''), '', exitCode);
      }
      case 'start':
      case 'restart':
      case 'try-restart':
      case 'reload-or-restart': {
        for (const unit of units) {
          // A killed systemctl stops waiting; the job it queued goes on in systemd.
          const job = verb === 'start' ? systemd.start(unit) : systemd.restart(unit);
          const outcome = await Promise.race([job, whenKilled(ctx.signal ?? new AbortController().signal)]);
          if (!('ok' in outcome)) return outcome;
          if (!outcome.ok) return writeOutput('', outcome.message ? `${outcome.message}\n` : '', outcome.exitCode);
        }
        return writeOutput('');
      }
      case 'stop': {
        for (const unit of units) {
          if (!(await systemd.unitPath(unit))) return writeOutput('', `Failed to stop ${unit}: Unit ${unit} not loaded.\n`, 5);
          await systemd.stop(unit);
        }
        return writeOutput('');
      }
      case 'enable':
      case 'disable':
        return toggle(view, verb, units, flags.includes('--now'));
      case 'status':
        return status(view, units);
      default:
        return writeOutput('', `Unknown command verb ${verb ?? ''}.\n`, 1);
    }
  });
}

async function toggle(view: GuestView, verb: 'enable' | 'disable', units: string[], now: boolean) {
  let stderr = '';
  for (const unit of units) {
    const path = await view.systemd.unitPath(unit);
    if (!path) return writeOutput('', `Failed to ${verb} unit: Unit file ${unit} does not exist.\n`, 1);
    const link = `${WANTS}/${unit}`;
    const linked = await view.fs.exists(link);
    if (verb === 'enable' && !linked) {
      await view.fs.mkdir(WANTS, { recursive: true });
      await view.fs.symlink(path, link);
      stderr += `Created symlink ${link} → ${path}.\n`;
    }
    if (verb === 'disable' && linked) {
      await view.fs.rm(link);
      stderr += `Removed ${link}.\n`;
    }
    if (now) {
      const outcome = verb === 'enable' ? await view.systemd.start(unit) : (await view.systemd.stop(unit), { ok: true as const });
      if (!outcome.ok) return writeOutput('', stderr + outcome.message + '\n', outcome.exitCode);
    }
  }
  return writeOutput('', stderr);
}

async function status(view: GuestView, units: string[]) {
  const blocks: string[] = [];
  let exitCode = 0;
  for (const unit of units) {
    const path = await view.systemd.unitPath(unit);
    if (!path) return writeOutput(blocks.join('\n'), `Unit ${unit} could not be found.\n`, 4);
    const file = (await view.systemd.loadUnit(unit))!;
    const runtime = view.systemd.runtime(unit);
    const enabled = (await view.fs.exists(`${WANTS}/${unit}`)) ? 'enabled' : 'disabled';
    const bullet = runtime.state === 'failed' ? '×' : runtime.state === 'inactive' ? '○' : '●';
    const result = runtime.lastExit !== undefined && runtime.lastExit !== 0 && runtime.state !== 'active' ? ' (Result: exit-code)' : '';
    const lines = [
      `${bullet} ${unit} - ${file.description}`,
      `     Loaded: loaded (${path}; ${enabled}; vendor preset: enabled)`,
      `     Active: ${runtime.state} (${runtime.subState})${result} since ${since(runtime.since)}`,
      '       Docs: https://k3s.io',
    ];
    if (runtime.pid !== undefined) {
      lines.push(`   Main PID: ${runtime.pid} (${unit.replace(/\.service$/, '')})`);
      lines.push(`     CGroup: /system.slice/${unit}`);
      lines.push(`             └─${runtime.pid} "${file.execStart.join(' ')}"`);
    }
    const hostname = view.bootConfig().hostname;
    const tail = view.journal.forUnit(unit).slice(-10).map((entry) => formatShort(entry, hostname));
    blocks.push(lines.join('\n') + (tail.length ? `\n\n${tail.join('\n')}` : '') + '\n');
    if (runtime.state !== 'active') exitCode = 3;
  }
  return writeOutput(blocks.join('\n'), '', exitCode);
}

function since(time: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const stamp = time.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
  const seconds = Math.max(0, Math.round((Date.now() - time.getTime()) / 1000));
  const ago = seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}min ${seconds % 60}s`;
  return `${days[time.getUTCDay()]} ${stamp}; ${ago} ago`;
}
