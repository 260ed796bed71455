/**
 * just-bash prints its own errors as `bash: X: ...`. A real shell started by sshd (`bash -c '<command>'`) names the
 * line of the script: `bash: line 1: nope: command not found`.
 */

/** The 1-based line of the script where `word` first appears (1 when it cannot be found). */
export function lineOf(script: string, word: string): number {
  const index = script.split('\n').findIndex((line) => line.includes(word));
  return index === -1 ? 1 : index + 1;
}

// Shell-level errors only (missing command, redirection, cd): anything else is a command's own output.
const SHELL_ERROR = /^bash: (?!line \d+: )((?:cd: )?([^:\n]+)): (command not found|No such file or directory|Is a directory|Not a directory|Permission denied)$/gm;

// Builtins the guest implements itself (kill) word their errors `bash: kill: ...` too.
const BUILTIN_ERROR = /^bash: (?!line \d+: )(kill): /gm;

/** bash -c and bash -s: `bash: line N: ...`. */
export function asBash(text: string, script: string): string {
  return text
    .replace(SHELL_ERROR, (_all, subject: string, word: string, reason: string) => `bash: line ${lineOf(script, word.trim())}: ${subject}: ${reason}`)
    .replace(BUILTIN_ERROR, (_all, builtin: string) => `bash: line ${lineOf(script, builtin)}: ${builtin}: `);
}
