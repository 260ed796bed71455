import net from 'node:net';
import { Client, ClientChannel } from 'ssh2';
import { ChangeLog, ChangeSystem, unrecordedChanges } from '../changes/change';
import { InfrastructureError } from '../errors';
import { Deadline } from '../waiting/deadline';
import { hostKeyFingerprint } from './host-key-fingerprint';

export interface SshEndpoint {
  /** Who this is, in the operator's words, for messages: "Proxmox host pve", "worker k3s-worker-01". */
  label: string;
  host: string;
  port: number;
  username: string;
  privateKey: string;
  /** The only host key accepted: `SHA256:…`. There is no trust-on-first-use. */
  hostKeyFingerprint: string;
  /** Restricts the host key algorithm, so the key whose fingerprint was pinned is the one offered. */
  hostKeyAlgorithm?: 'ssh-ed25519';
  /** What the change record calls this host's changes. */
  system: Extract<ChangeSystem, 'proxmox-host' | 'guest'>;
}

/** A command that changes the host, named for the change record. `command` defaults to the command line itself. */
export interface HostChange {
  action: string;
  target: string;
  command?: string;
}

export interface ExecOptions {
  /** Sent on the command's stdin: where secrets go, and files copied in. */
  stdin?: string | Buffer;
  deadline?: Deadline;
  /** Set for a command that changes the host; without it the command must only read. */
  change?: HostChange;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const CONNECT_TIMEOUT_MS = 20_000;

/** One authenticated SSH connection (optionally through a jump host) on which commands run. */
export class SshSession {
  private constructor(
    private readonly client: Client,
    readonly endpoint: SshEndpoint,
    private readonly changes: ChangeLog,
  ) {}

  /**
   * Connects directly, or through `via` as a jump host (ssh -J). Rejects a host key other than the pinned one.
   * Commands that change the host are announced to `changes`.
   */
  static async open(endpoint: SshEndpoint, options: { via?: SshSession; changes?: ChangeLog } = {}): Promise<SshSession> {
    const via = options.via;
    // No Nagle: an exec is a handful of tiny request/answer packets, and Nagle's wait for delayed ACKs costs ~40 ms each.
    const sock = via ? await via.forward(endpoint.host, endpoint.port) : net.connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
    const client = new Client();
    let seenFingerprint: string | undefined;
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (error: Error & { level?: string }) => {
        if (seenFingerprint && seenFingerprint !== endpoint.hostKeyFingerprint) {
          reject(
            new InfrastructureError(
              'ssh',
              `${endpoint.label} (${endpoint.host}:${endpoint.port}) presented host key ${seenFingerprint}, not the expected ${endpoint.hostKeyFingerprint}; refusing to connect. ` +
                'If the host was rebuilt, confirm the new key on its console and update the pinned fingerprint; otherwise suspect a man in the middle.',
            ),
          );
        } else {
          const hint = error.level === 'client-authentication' ? ' (the key was not accepted: check it is in root\'s authorized_keys)' : '';
          reject(new InfrastructureError('ssh', `SSH to ${endpoint.label} (${endpoint.host}:${endpoint.port}) failed: ${error.message}${hint}`));
        }
      });
      try {
        client.connect({
          sock,
          username: endpoint.username,
          privateKey: endpoint.privateKey,
          readyTimeout: CONNECT_TIMEOUT_MS,
          algorithms: endpoint.hostKeyAlgorithm ? { serverHostKey: [endpoint.hostKeyAlgorithm] } : undefined,
          hostVerifier: (key: Buffer) => {
            seenFingerprint = hostKeyFingerprint(key);
            return seenFingerprint === endpoint.hostKeyFingerprint;
          },
        });
      } catch (error) {
        // ssh2 refuses some options (an unreadable key) before it takes over the socket: close it here.
        sock.destroy();
        reject(new InfrastructureError('ssh', `SSH to ${endpoint.label} (${endpoint.host}:${endpoint.port}) not attempted: ${(error as Error).message}`));
      }
    });
    return new SshSession(client, endpoint, options.changes ?? unrecordedChanges);
  }

  /**
   * Runs a command. Secrets go in `stdin`, never in the command line, so they stay out of process lists and
   * transcripts. At the deadline the channel is closed and the output so far is kept in the error; without a pty
   * the remote command may go on (OpenSSH does not signal it), so a caller that must stop it does so itself.
   * A command given a `change` is allowed by the change log first and recorded with its exit status.
   */
  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const change = options.change && {
      system: this.endpoint.system,
      action: options.change.action,
      target: options.change.target,
      command: options.change.command ?? command,
    };
    if (!change) return this.run(command, options);
    const pending = this.changes.begin(change);
    try {
      const result = await this.run(command, options);
      pending.made(result.exitCode === 0 ? 'done' : `failed (exit ${result.exitCode})`);
      return result;
    } catch (error) {
      pending.made('unknown');
      throw error;
    }
  }

  private run(command: string, options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, channel: ClientChannel) => {
        if (error) return reject(new InfrastructureError('ssh', `could not run a command on ${this.endpoint.label}: ${error.message}`));
        let stdout = '';
        let stderr = '';
        const timer = options.deadline
          ? setTimeout(() => {
              channel.close();
              reject(options.deadline!.exceeded(`output so far:\n${tail(stdout + stderr)}`));
            }, options.deadline.remainingMs())
          : undefined;
        channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        channel.on('close', (code: number | null) => {
          clearTimeout(timer);
          resolve({ stdout, stderr, exitCode: code ?? -1 });
        });
        channel.end(options.stdin ?? '');
      });
    });
  }

  /** A TCP stream from this host to `host:port`, as `ssh -J` opens one. */
  forward(host: string, port: number): Promise<NodeJS.ReadWriteStream & ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut('127.0.0.1', 0, host, port, (error, stream) => {
        if (error) {
          return reject(new InfrastructureError('ssh', `${this.endpoint.label} could not open a connection to ${host}:${port}: ${error.message}`));
        }
        resolve(stream);
      });
    });
  }

  close(): void {
    this.client.end();
  }
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
