import { timingSafeEqual } from 'node:crypto';
import { Server, utils, type Connection, type ParsedKey } from 'ssh2';
import type { VirtualNetwork } from '../../net/virtual-network';
import type { HostShell } from './host-shell';
import { stdinScriptRunner } from './stdin-script';
import { generateEd25519KeyPair, openSshFingerprint } from '../../pki/ssh-keys';
import { listenSsh } from '../../net/ssh-listener';

export interface HostSshOptions {
  /** The node's name, in its host key's comment (root@pve1). */
  nodeName: string;
  shell: HostShell;
  network: VirtualNetwork;
  /** OpenSSH public key lines allowed to log in as root. */
  rootAuthorizedKeys: string[];
}

export interface RunningHostSsh {
  port: number;
  /** `SHA256:...` as ssh-keygen -lf prints it. */
  hostKeyFingerprint: string;
  /** `ssh-ed25519 AAAA...` */
  hostPublicKey: string;
  close(): Promise<void>;
}

/**
 * sshd on the Proxmox host: root logs in with a key only; exec channels run in the host shell (a bare `bash -s`
 * reads its script from stdin); direct-tcpip (ssh -J) reaches addresses on the lab's virtual network only.
 */
export async function startHostSsh(options: HostSshOptions): Promise<RunningHostSsh> {
  const hostKey = generateEd25519KeyPair(`root@${options.nodeName}`);
  const hostParsed = parse(hostKey.public);
  const allowed = options.rootAuthorizedKeys.map(parse);
  const clients = new Set<Connection>();

  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => client.end());
    client.on('authentication', (auth) => {
      if (auth.method !== 'publickey' || auth.username !== 'root') return auth.reject(['publickey']);
      const key = allowed.find((k) => sameBytes(k.getPublicSSH(), auth.key.data));
      if (!key) return auth.reject(['publickey']);
      // Without a signature the client is only asking whether the key would do; with one, it must verify.
      if (auth.signature && key.verify(auth.blob!, auth.signature, auth.hashAlgo) !== true) return auth.reject(['publickey']);
      auth.accept();
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('pty', (accept) => accept?.());
        session.on('env', (accept) => accept?.());
        session.on('exec', (accept, _reject, info) => {
          const channel = accept();
          const abort = new AbortController();
          channel.on('close', () => abort.abort(new Error('channel closed')));
          // A bare shell (`bash -s`) runs the script the client sends on stdin, once it has sent EOF.
          const fromStdin = stdinScriptRunner(info.command);
          const command = fromStdin ? readToEnd(channel).then(fromStdin) : Promise.resolve(info.command);
          command
            .then((line) => options.shell.run(line, { signal: abort.signal }))
            .then(
              (r) => r,
              (error: unknown) => ({ stdout: '', stderr: `${error instanceof Error ? error.message : String(error)}\n`, exitCode: 255 }),
            )
            .then((r) => {
              if (abort.signal.aborted) return;
              if (r.stdout) channel.write(r.stdout);
              if (r.stderr) channel.stderr.write(r.stderr);
              channel.exit(r.exitCode);
              channel.end();
            });
        });
      });
      client.on('tcpip', (accept, reject, info) => {
        options.network.connect(info.destIP, info.destPort).then(
          (socket) => {
            const channel = accept();
            channel.on('error', () => socket.destroy());
            socket.on('error', () => channel.destroy());
            channel.pipe(socket).pipe(channel);
          },
          // ssh2 answers a rejected direct-tcpip with "connect failed", as sshd does for an unreachable target.
          () => reject(),
        );
      });
    });
  });

  const listener = await listenSsh(server);
  return {
    port: listener.port,
    hostKeyFingerprint: openSshFingerprint(hostParsed.getPublicSSH()),
    hostPublicKey: `${hostParsed.type} ${hostParsed.getPublicSSH().toString('base64')}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        void listener.close().then(resolve);
      }),
  };
}

function readToEnd(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parse(key: string): ParsedKey {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) throw new Error(`root authorized key does not parse (${parsed.message}): ${key.slice(0, 40)}...`);
  return Array.isArray(parsed) ? parsed[0] : parsed;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
