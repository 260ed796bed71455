import type { Command } from 'just-bash';

type CommandContext = Parameters<Command['execute']>[1];

/**
 * The environment a command started from the guest's shell sees. Variables given to `sh -` on its command line
 * (`curl ... | K3S_URL=... sh -`) reach the piped script as its environment, so they count as exported here.
 */
export function processEnvironment(ctx: CommandContext): Record<string, string> {
  return { ...Object.fromEntries(ctx.env), ...(ctx.exportedEnv ?? {}) };
}
