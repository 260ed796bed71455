import { ApiError } from '../api/envelope';
import type { Schema } from '../api/schema/property-spec';

/** What a CLI tool on the host prints and exits with. */
export interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export const ok = (stdout = ''): Output => ({ stdout, stderr: '', exitCode: 0 });

/** PVE::CLIHandler prints the error and exits with -1, which the shell sees as 255. */
export const fail = (message: string): Output => ({ stdout: '', stderr: message.endsWith('\n') ? message : `${message}\n`, exitCode: 255 });

/**
 * PVE's CLI options (PVE::JSONSchema get_options): `--key value`, `-key value` or `--key=value`; a boolean may stand
 * alone, and takes 1/on/yes/true or 0/off/no/false (parse_boolean).
 */
export function parseOptions(args: string[], schema: Schema): Record<string, string> {
  const result: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const m = args[i].match(/^--?([a-z][a-z0-9_-]*)(?:=(.*))?$/i);
    if (!m) throw new ApiError(400, `too many arguments (unexpected '${args[i]}')`);
    const [, key, inline] = m;
    const boolean = schema[key]?.type === 'boolean';
    if (inline !== undefined) result[key] = inline;
    else if (boolean && (i + 1 >= args.length || /^--?[a-z]/i.test(args[i + 1]))) result[key] = '1';
    else if (i + 1 < args.length) result[key] = args[++i];
    else throw new ApiError(400, `option '${key}' requires an argument`);
    if (boolean) result[key] = parseBoolean(result[key]);
  }
  return result;
}

/**
 * Getopt::Long as get_options runs it: options (with their values) may come before, between or after the
 * arguments; what is left in order are the arguments.
 */
export function splitArguments(args: string[], schema: Schema): { positional: string[]; options: string[] } {
  const positional: string[] = [];
  const options: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const m = args[i].match(/^--?([a-z][a-z0-9_-]*)(=.*)?$/i);
    if (!m) positional.push(args[i]);
    else if (m[2] !== undefined || (schema[m[1]]?.type === 'boolean' && !/^(1|on|yes|true|0|off|no|false)$/i.test(args[i + 1] ?? ''))) options.push(args[i]);
    else options.push(args[i], ...(i + 1 < args.length ? [args[++i]] : []));
  }
  return { positional, options };
}

function parseBoolean(value: string): string {
  if (/^(1|on|yes|true)$/i.test(value)) return '1';
  if (/^(0|off|no|false)$/i.test(value)) return '0';
  throw new ApiError(400, 'unable to parse boolean option');
}

/**
 * An error as the CLI prints it: a parameter error as the stringified PVE::Exception (`400 Parameter verification
 * failed.` and one `name: error` line each) followed by the command's short usage; anything else as its message.
 */
export function describe(error: unknown, usage: string): string {
  if (error instanceof ApiError && error.errors) {
    const lines = Object.entries(error.errors).map(([k, v]) => `${k}: ${v.replace(/\n$/, '')}`);
    return `${error.status} ${error.message}\n${lines.join('\n')}\n${usage}`;
  }
  return error instanceof Error ? error.message : String(error);
}
