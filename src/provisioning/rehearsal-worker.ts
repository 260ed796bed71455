import { ipv4ToNumber, numberToIpv4 } from '../spec/ipv4';
import { WorkerSpec } from '../spec/worker-spec';
import type { Target } from '../target/target';

/**
 * The story's worker under another name, at the VMID Proxmox offers next and the first address after the story's that
 * no container and no node uses: what the nightly rehearsal builds and removes again.
 */
export async function rehearsalSpec(target: Target, story: WorkerSpec, hostname: string): Promise<WorkerSpec> {
  const [vmid, containers, nodes] = await Promise.all([target.proxmox.nextFreeVmid(), target.proxmox.containerAddresses(), target.cluster.core.listNode()]);
  const taken = new Set([
    ...containers.flatMap((container) => container.ips),
    ...nodes.items.flatMap((node) => node.status?.addresses?.map((address) => address.address) ?? []),
    story.gateway,
    story.controlPlane.host,
  ]);
  const hostBits = 32 - story.prefix;
  const network = Math.floor(ipv4ToNumber(story.ip) / 2 ** hostBits) * 2 ** hostBits;
  const broadcast = network + 2 ** hostBits - 1;
  for (let candidate = ipv4ToNumber(story.ip) + 1; candidate < broadcast; candidate++) {
    const ip = numberToIpv4(candidate);
    if (!taken.has(ip)) return { ...story, vmid, hostname, ip };
  }
  throw new Error(`no free address after ${story.ip} in ${numberToIpv4(network)}/${story.prefix} for the rehearsal worker`);
}
