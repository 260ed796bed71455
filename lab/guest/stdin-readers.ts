/**
 * Whether an ssh `exec` command reads its standard input. just-bash takes stdin as a whole before running, so the
 * SSH server waits for the client's EOF only for commands that consume stdin (`sh -s`, `bash`, `cat > f`, `tee f`,
 * `... -f -`); any other command runs at once, as it would not block on stdin in a real shell either. In a list
 * (`mkdir -p d && cat > d/f`) every command inherits the session's stdin, as in bash; in a pipeline only the first
 * reads it (the others read the pipe).
 */
export function readsStdin(command: string): boolean {
  return command.split(/&&|\|\||;/).some((item) => simpleCommandReadsStdin(item.split('|')[0] ?? ''));
}

function simpleCommandReadsStdin(first: string): boolean {
  // Output redirections (`> /etc/x`, `2>&1`) are not operands.
  const words = first.replace(/\d*>>?&?\s*\S+/g, ' ').trim().split(/\s+/).filter(Boolean);
  while (words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]) || ['sudo', 'env', 'exec', 'nohup'].includes(words[0]))) words.shift();
  const [program, ...args] = words;
  if (!program) return false;
  const operands = args.filter((arg) => !arg.startsWith('-') && !/^[0-9]*[<>]/.test(arg));
  const redirectedIn = /(^|\s)<\s*\S/.test(first) || /<</.test(first);
  if (redirectedIn) return false;
  if (args.includes('-')) return true;
  const name = program.replace(/^.*\//, '');
  if (['sh', 'bash', 'dash'].includes(name)) return !args.some((arg) => /^-[a-z]*c/.test(arg)) && (operands.length === 0 || args.includes('-s'));
  if (['cat', 'base64', 'sha256sum', 'wc', 'gzip', 'jq', 'xargs'].includes(name)) return operands.length === 0 || (name === 'base64' && operands.length === 0);
  if (name === 'tee') return true;
  return false;
}
