/**
 * Whether a command started from `script` has its standard output redirected to a file, read from the script's text
 * (just-bash applies redirections after a command returns, so a command cannot see its own). The line that starts
 * the command is the first one naming its words; `exec >FILE` earlier in the script redirects everything after it.
 * `>&2` and `2>...` leave standard output where it was. A heuristic: a command named on two lines is judged by the
 * first.
 */
export function stdoutRedirected(script: string, words: string[]): boolean {
  const lines = script.split('\n');
  const needle = words.slice(0, 2).join(' ');
  for (const line of lines) {
    if (/^\s*exec\s+(1?>>?|&>>?)\s*(?!&)\S/.test(line)) return true;
    const at = line.indexOf(needle);
    if (at < 0) continue;
    const rest = line.slice(at + needle.length);
    return /(^|[^0-9&>])(1?>>?|&>>?)\s*(?!&)[^\s;&|]/.test(rest);
  }
  return false;
}
