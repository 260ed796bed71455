import { decodeBytesToUtf8, defineCommand, type Command } from 'just-bash';
import { ROOT } from '../access/auth';
import { ApiError } from '../api/envelope';
import { createContainer } from '../guests/lxc-create';
import { readContainerConfig, updateContainerConfig } from '../guests/lxc-config';
import { destroyContainer } from '../guests/lxc-destroy';
import { changePowerState, type PowerAction } from '../guests/lxc-power';
import type { NodeContext } from '../node-context';
import { createParameters, updateParameters } from '../api/schema/lxc-options';
import { verifyParameters } from '../api/schema/verify-parameters';
import { describe, fail, ok, parseOptions, type Output } from './cli-options';

/** Keeps /etc/pve/lxc in the shell's filesystem and the node's config store in step around a pct call. */
export interface ConfFileSync {
  /** Applies hand edits made earlier in the same command line, as pct reads the file fresh. */
  pull(): Promise<void>;
  /** Shows pct's own changes in the files. */
  push(): Promise<void>;
}



const POWER: PowerAction[] = ['start', 'stop', 'shutdown', 'reboot'];
const MUTATING = new Set(['set', 'create', 'destroy', ...POWER]);

/** `pct` on the Proxmox host: runs as root@pam, so the feature-flag rule that binds API tokens does not apply. */
export function pctCommand(ctx: NodeContext, files: ConfFileSync): Command {
  return defineCommand('pct', async (args, shell) => {
    const [sub, ...rest] = args;
    if (!sub) return fail("ERROR: no command specified\nUSAGE: pct <COMMAND> [ARGS] [OPTIONS]");
    await files.pull();
    if (MUTATING.has(sub)) ctx.countWrite();
    try {
      const result = await runPct(ctx, sub, rest, decodeBytesToUtf8(shell.stdin));
      return result;
    } catch (error) {
      return fail(describe(error, `pct ${sub} <vmid> [OPTIONS]`));
    } finally {
      await files.push();
    }
  });
}

async function runPct(ctx: NodeContext, sub: string, args: string[], stdin: string): Promise<Output> {
  if (sub === 'list') return ok(listContainers(ctx));
  const vmidText = args[0];
  if (vmidText === undefined) throw new ApiError(400, 'Parameter verification failed.', { vmid: 'property is missing and it is not optional' });
  const vmid = parseInt(vmidText, 10);
  const node = ctx.nodeName;
  switch (sub) {
    case 'config': {
      verifyParameters({ node, vmid: vmidText, ...parseOptions(args.slice(1), {}) }, { node: { type: 'string' }, vmid: updateParameters.vmid, current: { type: 'boolean', optional: true } });
      return ok(renderConfig(readContainerConfig(ctx, vmid)));
    }
    case 'set': {
      const params = { node, vmid: vmidText, ...parseOptions(args.slice(1), updateParameters) };
      verifyParameters(params, updateParameters);
      const stderr: string[] = [];
      const terminal = { log: (line: string) => stderr.push(line), warn: (line: string) => stderr.push(`WARN: ${line}`) };
      try {
        await updateContainerConfig(ctx, ROOT, vmid, params, terminal);
      } catch (error) {
        throw new Error([...stderr, describe(error, `pct ${sub} <vmid> [OPTIONS]`)].join('\n'));
      }
      return { stdout: '', stderr: stderr.map((l) => `${l}\n`).join(''), exitCode: 0 };
    }
    case 'status': {
      ctx.store.load(vmid);
      return ok(`status: ${ctx.runtime.isRunning(vmid) ? 'running' : 'stopped'}\n`);
    }
    case 'exec': {
      const dashes = args.indexOf('--');
      const command = dashes === -1 ? args.slice(1) : args.slice(dashes + 1);
      ctx.store.load(vmid);
      if (!ctx.runtime.isRunning(vmid)) throw new Error(`container '${vmid}' not running!`);
      if (command.length === 0) throw new Error('missing command');
      // lxc-attach runs argv directly; the runtime takes a shell command, so quote each word back.
      return ctx.runtime.exec(vmid, command.map(shellQuote).join(' '), { stdin });
    }
    case 'create': {
      const params = { node, vmid: vmidText, ostemplate: args[1] ?? '', ...parseOptions(args.slice(2), createParameters) };
      verifyParameters(params, createParameters);
      return waitForTask(ctx, await createContainer(ctx, ROOT, params), true);
    }
    case 'destroy': {
      const opts = parseOptions(args.slice(1), { force: { type: 'boolean' }, purge: { type: 'boolean' }, 'destroy-unreferenced-disks': { type: 'boolean' } });
      const upid = destroyContainer(ctx, ROOT, vmid, { force: opts.force === '1', purge: opts.purge === '1', destroyUnreferencedDisks: opts['destroy-unreferenced-disks'] === '1' });
      return waitForTask(ctx, upid, true);
    }
    default:
      if ((POWER as string[]).includes(sub)) {
        ctx.store.load(vmid);
        return waitForTask(ctx, changePowerState(ctx, ROOT, vmid, sub as PowerAction), false);
      }
      return fail(`ERROR: unknown command 'pct ${sub}'\nUSAGE: pct <COMMAND> [ARGS] [OPTIONS]`);
  }
}

/**
 * In the CLI the worker runs in the foreground: what it prints goes to the terminal (create's and destroy's
 * progress on stdout; a start's warnings and LXC's error lines on stderr), and a failure ends the command.
 */
async function waitForTask(ctx: NodeContext, upid: string, printLog: boolean): Promise<Output> {
  const status = await ctx.tasks.wait(upid);
  const body = ctx.tasks.fullLog(upid).filter((t) => !t.startsWith('TASK ')).map((t) => `${t}\n`).join('');
  const [stdout, stderr] = printLog ? [body, ''] : ['', body];
  if (status.exitstatus === 'OK' || status.exitstatus?.startsWith('WARNINGS')) return { stdout, stderr, exitCode: 0 };
  return { stdout, stderr: `${stderr}${status.exitstatus}\n`, exitCode: 255 };
}

function listContainers(ctx: NodeContext): string {
  const ids = ctx.store.vmids();
  if (ids.length === 0) return '';
  const row = (a: string, b: string, c: string, d: string) => `${a.padEnd(10)} ${b.padEnd(10)} ${c.padEnd(12)} ${d.padEnd(20)}\n`;
  let out = row('VMID', 'Status', 'Lock', 'Name');
  for (const vmid of ids) {
    const { conf } = ctx.store.load(vmid);
    out += row(String(vmid), ctx.runtime.isRunning(vmid) ? 'running' : 'stopped', conf.options.lock ?? '', conf.options.hostname ?? '');
  }
  return out;
}

/** `pct config` prints sorted `key: value` lines, then the raw lxc lines in file order. */
function renderConfig(config: Record<string, unknown>): string {
  let out = '';
  for (const key of Object.keys(config).sort()) {
    if (key === 'digest' || key === 'lxc') continue;
    const value = key === 'description' ? String(config[key]).replace(/\n/g, '%0A').replace(/%0A$/, '') : String(config[key]);
    out += `${key}: ${value}\n`;
  }
  for (const [k, v] of (config.lxc as Array<[string, string]> | undefined) ?? []) out += `${k}: ${v}\n`;
  return out;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-./=:,@+%]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
