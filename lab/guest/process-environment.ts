import type { Command } from 'just-bash';

type CommandContext = Parameters<Command['execute']>[1];

/**
 * The environment a command started from the guest's shell sees: its exported variables, plus the shell variables
 * lab commands hand to the commands they run (the installer runs its curl with its own environment that way).
 */
export function processEnvironment(ctx: CommandContext): Record<string, string> {
  return { ...Object.fromEntries(ctx.env), ...(ctx.exportedEnv ?? {}) };
}
