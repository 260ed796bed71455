import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { Server, utils, type Connection, type ServerChannel } from 'ssh2';
import type { ExecResult } from '../contracts/container-runtime';
import { commandLine } from './command-line';
import type { GuestShell } from './guest-shell';
import type { SessionChannel, SshConnection } from './process-context';
import { SSHD_PID, type GuestProcess, type ProcessTable } from './process-table';
import { readsStdin } from './stdin-readers';
import { listenSsh } from '../net/ssh-listener';

export interface GuestSshServer {
  port: number;
  close(): Promise<void>;
}

interface SshServerOptions {
  hostKeys: string[];
  hostname: string;
  authorizedKeys: () => Promise<string>;
  shell: GuestShell;
  /** The boot's processes: each connection is an `sshd: root [priv]` and `sshd: root@notty`, each command a shell. */
  processes: ProcessTable;
  /** Aborted when the container stops: running commands end with it. */
  signal: AbortSignal;
}

/** One authenticated connection: its sshd processes and whether the client asked for a pty. */
interface Connected {
  connection: SshConnection;
  notty: GuestProcess;
}

/**
 * The container's OpenSSH server: its own host keys, public-key authentication for root against
 * /root/.ssh/authorized_keys (password logins refused), `exec` channels run in the guest shell with real exit codes.
 */
export async function startGuestSshServer(options: SshServerOptions): Promise<GuestSshServer> {
  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: options.hostKeys, ident: 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.10' }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => client.end());
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== 'root') return ctx.reject(['publickey']);
      const offered = ctx.key;
      const signature = ctx.signature;
      const blob = ctx.blob;
      const hashAlgo = ctx.hashAlgo;
      options.authorizedKeys().then((text) => {
        const match = authorizedKeyFor(text, offered.algo, offered.data);
        if (!match) return ctx.reject(['publickey']);
        if (signature && blob && match.verify(blob, signature, hashAlgo) !== true) return ctx.reject(['publickey']);
        ctx.accept();
      }, () => ctx.reject(['publickey']));
    });
    client.on('ready', () => {
      // sshd forks a monitor per connection (a session leader, setsid in sshd.c) and an unprivileged child.
      const priv = options.processes.spawn({ ppid: SSHD_PID, args: 'sshd: root [priv]', session: 'new', writesToChannel: false });
      const notty = options.processes.spawn({ ppid: priv.pid, args: 'sshd: root@notty', writesToChannel: false });
      client.on('close', () => {
        options.processes.exit(notty.pid, 255);
        options.processes.exit(priv.pid, 255);
      });
      const connected: Connected = { connection: droppable(client), notty };
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let pty = false;
        session.on('pty', (accept) => {
          pty = true;
          accept?.();
        });
        session.on('env', (accept) => accept?.());
        session.on('exec', (accept, _reject, info) => void runExec(accept(), info.command, options, connected, pty));
        session.on('shell', (accept) => runInteractive(accept(), options, connected));
      });
    });
  });
  const listener = await listenSsh(server);
  return {
    port: listener.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of connections) client.end();
        void listener.close().then(resolve);
      }),
  };
}

function authorizedKeyFor(text: string, algo: string, data: Buffer) {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const parsed = utils.parseKey(trimmed);
    if (parsed instanceof Error) continue;
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    const blob = key.getPublicSSH();
    if (key.type === algo && blob.length === data.length && timingSafeEqual(blob, data)) return key;
  }
  return undefined;
}

/** ssh2 has no public way to cut a connection without a disconnect message; its transport socket is `_sock` (1.x). */
function droppable(client: Connection): SshConnection {
  return {
    hangUp: () => {
      const socket = (client as unknown as { _sock?: Socket })._sock;
      if (!socket) throw new Error('ssh2 Connection has no _sock: cannot drop the connection abruptly');
      socket.destroy();
    },
  };
}

/**
 * An exec request, as OpenSSH's session.c runs it: the command in `bash -c` as a new session (do_exec_no_pty's
 * setsid). When the client closes the channel first, sshd signals nothing if no pty was requested
 * (session_close_by_channel only releases a pty): the command runs on, its output goes nowhere and its next write
 * to the closed pipe is SIGPIPE. With a pty, closing it hangs the terminal up: SIGHUP to the session. The
 * exit-status is sent when the command exits; processes it forked that still hold the channel keep it open.
 */
async function runExec(stream: ServerChannel, command: string, options: SshServerOptions, connected: Connected, pty: boolean) {
  const channel: SessionChannel = { closed: false, holders: [] };
  let process: GuestProcess | undefined;
  stream.on('close', () => {
    channel.closed = true;
    if (pty && process) options.processes.hangUpSession(process.sid);
  });
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  if (readsStdin(command)) {
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
    });
  }
  if (options.signal.aborted || (channel.closed && pty)) return;
  process = options.processes.spawn({ ppid: connected.notty.pid, args: commandLine(command), session: 'new', writesToChannel: true, script: command });
  const result = await options.shell({ process, table: options.processes, connection: connected.connection, channel }, command, { stdin: Buffer.concat(chunks) });
  if (options.signal.aborted || channel.closed || stream.destroyed) return;
  send(stream, result);
  stream.exit(result.exitCode);
  for (const rest of await Promise.all(channel.holders)) if (!stream.destroyed) send(stream, rest);
  if (!stream.destroyed) stream.end();
}

function send(stream: ServerChannel, result: ExecResult): void {
  if (result.stdout) stream.write(result.stdout);
  if (result.stderr) stream.stderr.write(result.stderr);
}

/** A minimal interactive shell: one command per line, output with CRLF as a pty gives it. */
function runInteractive(stream: ServerChannel, options: SshServerOptions, connected: Connected) {
  const prompt = () => stream.write(`root@${options.hostname}:~# `);
  let line = '';
  prompt();
  stream.on('data', async (chunk: Buffer) => {
    for (const char of chunk.toString('utf8')) {
      if (char !== '\r' && char !== '\n') {
        line += char;
        stream.write(char);
        continue;
      }
      stream.write('\r\n');
      const command = line.trim();
      line = '';
      if (command === 'exit' || command === 'logout') {
        stream.exit(0);
        stream.end();
        return;
      }
      if (command) {
        const process = options.processes.spawn({ ppid: connected.notty.pid, args: commandLine(command), session: 'new', writesToChannel: true, script: command });
        const channel: SessionChannel = { closed: false, holders: [] };
        stream.once('close', () => options.processes.hangUpSession(process.sid));
        const result = await options.shell({ process, table: options.processes, connection: connected.connection, channel }, command);
        stream.write((result.stdout + result.stderr).replace(/\n/g, '\r\n'));
      }
      prompt();
    }
  });
}
