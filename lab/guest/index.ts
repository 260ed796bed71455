import type { ContainerRuntime, CreateGuestRequest, ExecResult, GuestHostKey } from '../contracts/container-runtime';
import { K3S_INSTALL_SCRIPT } from '../net/k3s-install-script';
import { K3sChannels } from '../net/k3s-releases';
import { k3sSites } from '../net/k3s-sites';
import { OutsideWorld } from '../net/outside-world';
import type { VirtualNetwork } from '../net/virtual-network';
import type { LabTiming } from '../timing';
import { createNodeEnvironment, type NodeEnvironment } from '../kubelet/node-environment';
import { GuestContainer } from './guest-container';
import { GuestFaultPlan, type GuestFaults } from './guest-faults';
import { generateHostKeys } from './host-keys';
import { layDownRootFilesystem } from './root-filesystem';
import { findTemplate, GUEST_TEMPLATES } from './templates';

export type GuestRuntime = ContainerRuntime & {
  stopAll(): Promise<void>;
  /**
   * Lab fault: a running guest answers with new SSH host keys from now on (container rebuilt behind the same
   * address, or a man in the middle). Resolves with the new keys once sshd listens with them.
   */
  replaceHostKeys(vmid: number): Promise<GuestHostKey[]>;
  /** Lab faults for the guests' SSH sessions and kubelets (see LIMITATIONS.md, "Faults"). */
  faults: GuestFaults;
  /** A guest's containerd image store: what was imported from /var/lib/rancher/k3s/agent/images (for tests). */
  images(vmid: number): ReadonlySet<string>;
};

export type { GuestFaults } from './guest-faults';

/** The internet as k3s's installer finds it: get.k3s.io, the channel server and GitHub's release downloads. */
export { curlCommand, type CurlHost } from './commands/curl';

export function k3sInternet(mode: OutsideWorld['mode'] = 'online', channels = new K3sChannels()): OutsideWorld {
  return new OutsideWorld(mode, k3sSites(channels, K3S_INSTALL_SCRIPT));
}

/** The LXC guests behind the emulated Proxmox node: root filesystems, SSH servers, systemd and the k3s agent. */
export function createGuestRuntime(options: { network: VirtualNetwork; timing: LabTiming; outside?: OutsideWorld; node?: NodeEnvironment }): GuestRuntime {
  const outside = options.outside ?? k3sInternet();
  const node = options.node ?? createNodeEnvironment();
  const containers = new Map<number, GuestContainer>();
  const faults = new GuestFaultPlan();
  const container = (vmid: number) => {
    const found = containers.get(vmid);
    if (!found) throw new Error(`CT ${vmid} does not exist`);
    return found;
  };

  return {
    templates: () => GUEST_TEMPLATES.map((template) => template.file),

    async create({ config, ostemplate, sshPublicKeys }: CreateGuestRequest) {
      if (containers.has(config.vmid)) throw new Error(`CT ${config.vmid} already exists`);
      const template = findTemplate(ostemplate);
      if (!template) throw new Error(`volume '${ostemplate}' does not exist`);
      const keys = generateHostKeys(config.hostname);
      const fs = await layDownRootFilesystem(template, config, keys, sshPublicKeys);
      containers.set(config.vmid, new GuestContainer(config.vmid, template, fs, keys, { network: options.network, outside, timing: options.timing }, faults, node));
      const hostKeys: GuestHostKey[] = keys.map(({ type, fingerprint, publicKey }) => ({ type, fingerprint, publicKey }));
      return { hostKeys, architecture: 'amd64' };
    },

    start: (config, host) => container(config.vmid).start(config, host),
    stop: (vmid) => container(vmid).stop(),

    async destroy(vmid) {
      const target = container(vmid);
      if (target.running) await target.stop();
      containers.delete(vmid);
    },

    isRunning: (vmid) => containers.get(vmid)?.running ?? false,

    exec: (vmid, command, execOptions): Promise<ExecResult> => {
      try {
        return container(vmid).exec(command, execOptions);
      } catch (error) {
        return Promise.reject(error);
      }
    },

    async replaceHostKeys(vmid) {
      const keys = await container(vmid).replaceHostKeys();
      return keys.map(({ type, fingerprint, publicKey }) => ({ type, fingerprint, publicKey }));
    },

    interfaces: (vmid) => containers.get(vmid)?.interfaces() ?? [],

    images: (vmid) => container(vmid).images,

    faults,

    async stopAll() {
      await Promise.all([...containers.values()].filter((c) => c.running).map((c) => c.stop()));
    },
  };
}
