import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const tmuxMissing = spawnSync('tmux', ['-V']).status === 0 ? false : 'tmux is missing: run scripts/install-test-tools.sh as root (apt-get install tmux)';

const POLL_MS = 250;

/**
 * A real terminal for a command: a pseudo-terminal of the given size in a tmux server of its own (its own socket and
 * no user configuration, so it never touches anyone's sessions), whose screen can be read as a person sees it.
 */
export class TmuxTerminal implements AsyncDisposable {
  private constructor(
    private readonly socket: string,
    private readonly statusFile: string,
  ) {}

  /** Runs `command` (bash) in a `columns`×`rows` terminal; the pane stays readable after the command exits. */
  static start(command: string, columns: number, rows: number): TmuxTerminal {
    const dir = mkdtempSync(join(tmpdir(), 'k3s-terminal-'));
    const terminal = new TmuxTerminal(`k3s-suite-${process.pid}-${columns}x${rows}-${Date.now()}`, join(dir, 'status'));
    // A handler (not an ignore) for INT, so Ctrl-C reaches the command but the shell lives to write its exit status.
    const script = `trap true INT; ${command}; echo $? > ${terminal.statusFile}`;
    terminal.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'run', '-x', String(columns), '-y', String(rows),
      ';', 'set-option', '-g', 'remain-on-exit', 'on', ';', 'respawn-pane', '-k', '-t', 'run', `bash -c ${quote(script)}`);
    return terminal;
  }

  /** The visible screen, one string per row, as the person at the terminal sees it now. */
  screen(): string[] {
    return this.capture('-p');
  }

  /** Every row the terminal showed that is still there, scrolled off or not (its history and the screen). */
  rows(): string[] {
    return this.capture('-p', '-S', '-');
  }

  /** The lines the command printed, rows it wrapped joined again (the history and the screen). */
  lines(): string[] {
    return this.capture('-p', '-J', '-S', '-').map((line) => line.trimEnd());
  }

  /** Waits until the screen shows `pattern`, up to `timeoutMs`; the error shows the screen as it was. */
  async waitForScreen(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.screen().join('\n'))) {
      if (Date.now() > deadline) throw new Error(`terminal did not show ${pattern} within ${timeoutMs / 1000}s; it shows:\n${this.screen().join('\n')}`);
      await sleep(POLL_MS);
    }
  }

  /** Waits for the command to exit, up to `timeoutMs`, and returns its exit status. */
  async exitStatus(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = existsSync(this.statusFile) ? readFileSync(this.statusFile, 'utf8').trim() : '';
      if (status !== '') return Number(status);
      if (Date.now() > deadline) throw new Error(`command still running after ${timeoutMs / 1000}s; the terminal shows:\n${this.screen().join('\n')}`);
      await sleep(POLL_MS);
    }
  }

  /** Types keys, as tmux names them (`C-c` is Ctrl-C). */
  press(keys: string): void {
    this.tmux('send-keys', '-t', 'run', keys);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }

  /** The pane's text, without the line tmux itself adds once the command is gone ("Pane is dead …"). */
  private capture(...options: string[]): string[] {
    return this.tmux('capture-pane', ...options, '-t', 'run').replace(/\n$/, '').split('\n').filter((row) => !row.startsWith('Pane is dead ('));
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
