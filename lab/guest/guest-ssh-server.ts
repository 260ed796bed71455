import { timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import { Server, utils, type Connection, type ServerChannel } from 'ssh2';
import type { GuestShell } from './guest-shell';
import { runInSshSession, type SshSession } from './ssh-session';
import { readsStdin } from './stdin-readers';
import { listenSsh } from '../net/ssh-listener';

export interface GuestSshServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The container's OpenSSH server: its own host keys, public-key authentication for root against
 * /root/.ssh/authorized_keys (password logins refused), `exec` channels run in the guest shell with real exit codes.
 */
export async function startGuestSshServer(options: {
  hostKeys: string[];
  hostname: string;
  authorizedKeys: () => Promise<string>;
  shell: GuestShell;
  /** Aborted when the container stops: running commands end with it. */
  signal: AbortSignal;
}): Promise<GuestSshServer> {
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
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('pty', (accept) => accept?.());
        session.on('env', (accept) => accept?.());
        session.on('exec', (accept, _reject, info) => void runExec(accept(), info.command, options, droppable(client)));
        session.on('shell', (accept) => runInteractive(accept(), options, droppable(client)));
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
function droppable(client: Connection): SshSession {
  return {
    hangUp: () => {
      const socket = (client as unknown as { _sock?: Socket })._sock;
      if (!socket) throw new Error('ssh2 Connection has no _sock: cannot drop the connection abruptly');
      socket.destroy();
    },
  };
}

async function runExec(stream: ServerChannel, command: string, options: { shell: GuestShell; signal: AbortSignal }, session: SshSession) {
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, options.signal]);
  let finished = false;
  stream.on('close', () => {
    // The client gave up (deadline, Ctrl-C): the command is killed like sshd's child on channel close.
    if (!finished) controller.abort(new Error('channel closed'));
  });
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  if (readsStdin(command)) {
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
    });
  }
  if (signal.aborted) return;
  const result = await runInSshSession(session, () => options.shell(command, { stdin: Buffer.concat(chunks), signal }));
  finished = true;
  if (signal.aborted || stream.destroyed) return;
  if (result.stdout) stream.write(result.stdout);
  if (result.stderr) stream.stderr.write(result.stderr);
  stream.exit(result.exitCode);
  stream.end();
}

/** A minimal interactive shell: one command per line, output with CRLF as a pty gives it. */
function runInteractive(stream: ServerChannel, options: { shell: GuestShell; hostname: string; signal: AbortSignal }, session: SshSession) {
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
        const result = await runInSshSession(session, () => options.shell(command, { signal: options.signal }));
        stream.write((result.stdout + result.stderr).replace(/\n/g, '\r\n'));
      }
      prompt();
    }
  });
}
