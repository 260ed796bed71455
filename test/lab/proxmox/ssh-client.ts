import { Client } from 'ssh2';
import { openSshFingerprint } from '../../../lab/pki/ssh-keys';
import type { RunningProxmoxNode } from '../../../lab/proxmox';

/** A real ssh2 client logged in as root on `t.node`, pinning the host key by its SHA256 fingerprint. */
export async function sshAsRoot(t: { node: RunningProxmoxNode; operatorKey: { private: string } }, privateKey = t.operatorKey.private): Promise<Client> {
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve()).once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port: t.node.sshPort,
      username: 'root',
      privateKey,
      hostVerifier: (key: Buffer) => openSshFingerprint(key) === t.node.sshHostKeyFingerprint,
    });
  });
  return client;
}

/** Runs one exec channel; with `stdin`, sends it and then EOF, as `ssh host cmd < file` does. */
export function run(client: Client, command: string, stdin?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      if (stdin !== undefined) stream.end(stdin);
      let stdout = '';
      let stderr = '';
      let code = -1;
      stream.on('data', (d: Buffer) => (stdout += d));
      stream.stderr.on('data', (d: Buffer) => (stderr += d));
      stream.on('exit', (c: number) => (code = c));
      stream.on('close', () => resolve({ stdout, stderr, code }));
    });
  });
}
