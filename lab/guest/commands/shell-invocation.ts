import { decodeBytesToUtf8, defineCommand, type Command } from 'just-bash';
import { asBash } from '../shell-messages';

/**
 * sh / bash / dash reading their script from stdin (`sh`, `sh -s`, `sh -s - agent`, `bash -s`, `sh -`), which
 * `curl ... | sh -` and the suite's secret-bearing ssh commands rely on. `-c` and script files go to the bundled shell.
 */
export function shellInvocationCommands(): Command[] {
  return ['sh', 'bash', 'dash'].map((name) =>
    defineCommand(name, async (args, ctx) => {
      const options: string[] = [];
      let index = 0;
      let fromStdin = false;
      while (index < args.length && args[index].startsWith('-') ) {
        const arg = args[index];
        if (arg === '-' || arg === '--') {
          fromStdin = true;
          index += 1;
          break;
        }
        if (arg.includes('c') || arg.startsWith('--')) return delegate(name, args, ctx);
        if (arg.includes('s')) fromStdin = true;
        options.push(...[...arg.slice(1)].filter((flag) => 'exuv'.includes(flag)));
        index += 1;
      }
      if (args[index] === '-' || args[index] === '--') index += 1;
      if (!fromStdin && index < args.length) return delegate(name, args, ctx);
      const positional = args.slice(index).map(quote).join(' ');
      const script =
        (options.length ? `set -${options.join('')}\n` : '') + (positional ? `set -- ${positional}\n` : '') + decodeBytesToUtf8(ctx.stdin);
      if (!ctx.exec) return { stdout: '', stderr: `${name}: cannot run a script here\n`, exitCode: 2 };
      const result = await ctx.exec(script, { cwd: ctx.cwd, env: ctx.exportedEnv ?? Object.fromEntries(ctx.env), signal: ctx.signal });
      // Line numbers count the script's lines. dash's own wording (`sh: 1: nope: not found`) is shorter than
      // just-bash's, and just-bash refuses a command result shorter than the output it already counted.
      const body = decodeBytesToUtf8(ctx.stdin);
      return { ...result, stdout: asBash(result.stdout, body), stderr: asBash(result.stderr, body) };
    }),
  );
}

async function delegate(name: string, args: string[], ctx: Parameters<Command['execute']>[1]) {
  if (ctx.origCommand) return ctx.origCommand(args);
  return { stdout: '', stderr: `${name}: unsupported invocation\n`, exitCode: 2 };
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
