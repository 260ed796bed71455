import { Client } from 'ssh2';
import { utils } from 'ssh2';
import type { LxcGuestConfig } from '../../../lab/contracts/container-runtime';
import { HostKernel, type GuestHost } from '../../../lab/contracts/host-kernel';
import { createGuestRuntime, type GuestRuntime } from '../../../lab/guest';
import { generateParsableKeyPair } from '../../../lab/guest/host-keys';
import { VirtualNetwork } from '../../../lab/net/virtual-network';
import { LabTiming } from '../../../lab/timing';
import { createNodeEnvironment, type NodeEnvironment } from '../../../lab/kubelet/node-environment';

export const UBUNTU_2204 = 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst';

/** The raw lines the story puts in /etc/pve/lxc/102.conf so k3s can run in the container. */
export const K3S_LXC_LINES: Array<[string, string]> = [
  ['lxc.apparmor.profile', 'unconfined'],
  ['lxc.cgroup2.devices.allow', 'a'],
  ['lxc.cap.drop', ''],
  ['lxc.mount.auto', '"proc:rw sys:rw"'],
  ['lxc.mount.entry', '/dev/kmsg dev/kmsg none defaults,bind,create=file'],
];

export function workerConfig(overrides: Partial<LxcGuestConfig> = {}): LxcGuestConfig {
  return {
    vmid: 102,
    hostname: 'k3s-worker-01',
    cores: 4,
    memoryMiB: 4096,
    swapMiB: 512,
    rootfsGiB: 50,
    net0: { name: 'eth0', bridge: 'vmbr0', ip: '192.168.2.21/24', gw: '192.168.2.1', hwaddr: 'BC:24:11:5E:7A:01' },
    features: { nesting: '1', keyctl: '1', fuse: '1' },
    rawLxc: K3S_LXC_LINES,
    unprivileged: false,
    ...overrides,
  };
}

export interface Lab {
  network: VirtualNetwork;
  timing: LabTiming;
  /** The registries and kubelet directory the guests share with a k3s server started with `node: lab.node`. */
  node: NodeEnvironment;
  runtime: GuestRuntime;
  clientKey: { private: string; public: string };
}

export function newLab(): Lab {
  const network = new VirtualNetwork();
  const timing = new LabTiming(0);
  const node = createNodeEnvironment();
  return { network, timing, node, runtime: createGuestRuntime({ network, timing, node }), clientKey: generateParsableKeyPair(() => utils.generateKeyPairSync('ed25519', { comment: 'suite@ci' })) };
}

/** Creates and boots a worker; returns the host key fingerprints vzcreate reported. */
export async function bootWorker(lab: Lab, overrides: Partial<LxcGuestConfig> = {}): Promise<string[]> {
  const config = workerConfig(overrides);
  const created = await lab.runtime.create({ config, ostemplate: UBUNTU_2204, sshPublicKeys: lab.clientKey.public });
  await lab.runtime.start(config, TEST_HOST);
  return created.hostKeys.map((key) => key.fingerprint);
}

/** An ssh2 client over the virtual network, pinning the guest's host key to the fingerprints Proxmox reported. */
export async function sshTo(lab: Lab, ip: string, auth: { privateKey?: string; password?: string }, fingerprints: string[]): Promise<Client> {
  const sock = await lab.network.connect(ip, 22);
  const client = new Client();
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({
      sock,
      username: 'root',
      ...auth,
      hostHash: 'sha256',
      // ssh2 hands over the hex digest; OpenSSH prints unpadded base64.
      hostVerifier: (hash: string) => fingerprints.includes('SHA256:' + Buffer.from(hash, 'hex').toString('base64').replace(/=+$/, '')),
      readyTimeout: 5000,
    } as never);
  });
}

export interface RemoteResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export function run(client: Client, command: string, stdin?: string | Buffer): Promise<RemoteResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, stream) => {
      if (error) return reject(error);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      stream.on('data', (chunk: Buffer) => (stdout += chunk));
      stream.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      stream.on('exit', (exitCode: number) => (code = exitCode));
      stream.on('close', () => resolve({ stdout, stderr, code }));
      if (stdin !== undefined) stream.end(stdin);
    });
  });
}

/** Polls a condition on each turn of the event loop until it holds or the deadline passes. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, deadlineMs = 10_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${deadlineMs}ms${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The node the fixture's guests start on. */
export const TEST_HOST: GuestHost = { node: 'pve', kernel: new HostKernel() };

/**
 * Removes worker 102 and what the server remembers of its Node (kubectl delete node and its node-password secret),
 * so the next test can rebuild k3s-worker-01.
 */
export async function destroyWorker(lab: Lab, k3s: { store: { remove(kind: string, namespace: string | undefined, name: string): unknown } }): Promise<void> {
  await lab.runtime.stopAll();
  await lab.runtime.destroy(102).catch(() => undefined);
  try { k3s.store.remove('nodes', undefined, 'k3s-worker-01'); } catch { /* not registered */ }
  try { k3s.store.remove('secrets', 'kube-system', 'k3s-worker-01.node-password.k3s'); } catch { /* not joined */ }
}
