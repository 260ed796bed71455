import { ipv4ToNumber, numberToIpv4 } from '../spec/ipv4';
import { WorkerSpec } from '../spec/worker-spec';
import type { Target } from '../target/target';

/** An address the rehearsal may not take, and who has it. */
interface TakenAddress {
  ip: string;
  by: string;
}

/**
 * The story's worker under another name, at the VMID Proxmox offers next and the first address after the story's
 * that nothing uses: not a guest of the cluster by its configuration (containers' net*, QEMU VMs' cloud-init
 * ipconfig*), not a Proxmox node, not a Kubernetes node, not the gateway or the control plane, and nothing that
 * answers a ping from the Proxmox host (a printer, a VM without cloud-init, a laptop: the LAN is not only Proxmox's).
 */
export async function rehearsalSpec(target: Target, story: WorkerSpec, hostname: string): Promise<{ spec: WorkerSpec; skipped: TakenAddress[] }> {
  const [vmid, guests, nodes, hosts] = await Promise.all([
    target.proxmox.nextFreeVmid(),
    target.proxmox.guestAddresses(),
    target.cluster.core.listNode(),
    target.proxmox.nodes(),
  ]);
  const nodeAddresses = await Promise.all(hosts.map(async (host) => ({ node: host.node, ips: await target.node(host.node).proxmox.addresses().catch(() => [] as string[]) })));
  const taken = new Map<string, string>([[story.gateway, 'the gateway'], [story.controlPlane.host, 'the control plane']]);
  for (const guest of guests) for (const ip of guest.ips) taken.set(ip, `guest ${guest.vmid} (${guest.name})`);
  for (const node of nodes.items) for (const address of node.status?.addresses ?? []) taken.set(address.address, `Kubernetes node ${node.metadata?.name}`);
  for (const { node, ips } of nodeAddresses) for (const ip of ips) taken.set(ip, `Proxmox node ${node}`);
  const hostBits = 32 - story.prefix;
  const network = Math.floor(ipv4ToNumber(story.ip) / 2 ** hostBits) * 2 ** hostBits;
  const broadcast = network + 2 ** hostBits - 1;
  const skipped: TakenAddress[] = [];
  const shell = target.proxmoxHost;
  for (let candidate = ipv4ToNumber(story.ip) + 1; candidate < broadcast; candidate++) {
    const ip = numberToIpv4(candidate);
    const owner = taken.get(ip);
    if (owner) continue;
    // iputils ping exits 0 when a reply came, 1 when none did (ping.c): the host asks the LAN itself, a read.
    const ping = await shell.exec(`ping -c 1 -W 1 ${ip}`);
    if (ping.exitCode === 0) {
      skipped.push({ ip, by: 'a host that answers ping on the LAN' });
      continue;
    }
    return { spec: { ...story, vmid, hostname, ip }, skipped };
  }
  throw new Error(`no free address after ${story.ip} in ${numberToIpv4(network)}/${story.prefix} for the rehearsal worker`);
}
