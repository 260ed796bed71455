import { InMemoryFs, type IFileSystem } from 'just-bash';
import type { LxcGuestConfig } from '../contracts/container-runtime';
import type { GeneratedHostKey } from './host-keys';
import type { GuestTemplate } from './templates';

/** vzcreate: the template's files, the Proxmox-written hostname, hosts and authorized_keys, and fresh host keys. */
export async function layDownRootFilesystem(
  template: GuestTemplate,
  config: LxcGuestConfig,
  hostKeys: GeneratedHostKey[],
  sshPublicKeys: string | undefined,
): Promise<InMemoryFs> {
  const fs = new InMemoryFs();
  const files: Record<string, string> = {
    '/etc/os-release': template.osRelease,
    '/usr/lib/os-release': template.osRelease,
    '/etc/hostname': `${config.hostname}\n`,
    '/etc/hosts': `127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n` + (config.net0?.ip?.includes('/') ? `${config.net0.ip.split('/')[0]} ${config.hostname}\n` : `127.0.1.1 ${config.hostname}\n`),
    '/etc/resolv.conf': `# --- BEGIN PVE ---\nnameserver ${config.nameserver ?? '192.168.2.1'}\n# --- END PVE ---\n`,
    '/etc/ssh/sshd_config': 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\nKbdInteractiveAuthentication no\nUsePAM yes\n',
    '/root/.bashrc': '# ~/.bashrc: executed by bash(1) for non-login shells.\n',
  };
  for (const dir of ['/root/.ssh', '/etc/ssh', '/etc/systemd/system', '/usr/local/bin', '/usr/bin', '/bin', '/tmp', '/var/log', '/var/lib', '/run', '/proc', '/dev', '/home']) {
    await fs.mkdir(dir, { recursive: true });
  }
  for (const [path, content] of Object.entries(files)) await fs.writeFile(path, content);
  await fs.chmod('/root/.ssh', 0o700);
  await fs.writeFile('/root/.ssh/authorized_keys', sshPublicKeys ? sshPublicKeys.trim() + '\n' : '');
  await fs.chmod('/root/.ssh/authorized_keys', 0o600);
  await writeHostKeyFiles(fs, hostKeys);
  return fs;
}

/** /etc/ssh/ssh_host_<type>_key (mode 600) and its .pub, as ssh-keygen -A writes them. */
export async function writeHostKeyFiles(fs: IFileSystem, hostKeys: readonly GeneratedHostKey[]): Promise<void> {
  for (const key of hostKeys) {
    await fs.writeFile(`/etc/ssh/ssh_host_${key.type}_key`, key.privateKey);
    await fs.chmod(`/etc/ssh/ssh_host_${key.type}_key`, 0o600);
    await fs.writeFile(`/etc/ssh/ssh_host_${key.type}_key.pub`, `${key.publicKey}\n`);
  }
}
