/**
 * The script an SSH exec command reads from standard input, when it is a bare shell: `bash -s`, `sh -s -- a b`,
 * `bash`, `/bin/sh -e` (no `-c`, no script file), as in OpenSSH's `ssh root@pve 'bash -s' < script`. Returns the
 * command line to run once stdin has reached EOF, or undefined when the command does not read a script from stdin.
 */
export function stdinScriptRunner(command: string): ((stdin: string) => string) | undefined {
  const words = command.trim().split(/\s+/);
  const program = words.shift()?.replace(/^(?:\/usr)?\/bin\//, '');
  if (!program || !['sh', 'bash', 'dash'].includes(program)) return undefined;
  const dashes = words.indexOf('--');
  const options = dashes === -1 ? words : words.slice(0, dashes);
  const flags = options.filter((w) => /^-[a-z]+$/.test(w)).join('').replace(/-/g, '');
  const operands = [...options.filter((w) => !w.startsWith('-')), ...(dashes === -1 ? [] : words.slice(dashes + 1))];
  if (flags.includes('c') || options.some((w) => w.startsWith('-') && !/^-[a-z]+$/.test(w))) return undefined;
  // Without -s the first operand is a script file, not stdin.
  if (!flags.includes('s') && operands.length > 0) return undefined;
  const shellFlags = flags.replace(/[sil]/g, '');
  const prelude = [shellFlags ? `set -${shellFlags}` : '', operands.length ? `set -- ${operands.join(' ')}` : ''].filter(Boolean);
  return (stdin) => [...prelude, stdin].join('\n');
}
