/**
 * The command line a process shows in `ps` for a command string given to a shell: bash -c execs a single simple
 * command in place of itself (no fork), so `ssh host 'A=1 sleep 9 > /dev/null'` shows `sleep 9`; anything compound
 * stays `bash -c <string>`, which is why `pgrep -f WORD` run inside a compound command matches its own shell.
 */
export function commandLine(command: string, shell = 'bash'): string {
  const trimmed = command.trim();
  const compound = /[;&|()`\n]|\$\(|^\s*(if|for|while|until|case|\{|!)\b/.test(trimmed.replace(/\d*>&\d/g, ''));
  if (compound || !trimmed) return `${shell} -c ${command}`;
  const words = trimmed.match(/'[^']*'|"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
  const argv: string[] = [];
  // Assignments before the command go to its environment, not its argv.
  while (words.length > 1 && /^[A-Za-z_]\w*=/.test(words[0] ?? '')) words.shift();
  if (/^[A-Za-z_]\w*=/.test(words[0] ?? '')) return `${shell} -c ${command}`;
  for (let i = 0; i < words.length; i += 1) {
    if (/^\d*(>>?|<)$/.test(words[i])) i += 1; // `> FILE`: the redirection and its target
    else if (!/^\d*(>>?|<)/.test(words[i])) argv.push(words[i].replace(/^'(.*)'$/s, '$1').replace(/^"(.*)"$/s, '$1'));
  }
  return argv.join(' ');
}
