import { proxmoxApi, type Proxmox } from 'proxmox-api';
import { Change, ChangeLog, unrecordedChanges } from '../changes/change';
import { InfrastructureError } from '../errors';
import { ProxmoxApiError } from './proxmox-api-error';
import { TaskSource, TaskStatus } from './proxmox-task';
import { verifiedFetch, TlsTrust } from './verified-fetch';

export interface ProxmoxConnection extends TlsTrust {
  endpoint: URL;
  tokenId: string;
  tokenSecret: string;
}

/** Parameters of POST /nodes/{node}/lxc as the suite sends them. */
export interface LxcCreateParameters {
  vmid: number;
  ostemplate: string;
  hostname: string;
  cores: number;
  memory: number;
  swap: number;
  rootfs: string;
  net0: string;
  'ssh-public-keys': string;
  features?: string;
  unprivileged: boolean;
  onboot?: boolean;
  tags?: string;
  description?: string;
}

/** What a client is given by its run: where writes are recorded, and how long one request may take. */
export interface ProxmoxClientContext {
  changes: ChangeLog;
  requestTimeoutMs: () => number;
}

const STANDALONE: ProxmoxClientContext = { changes: unrecordedChanges, requestTimeoutMs: () => 60_000 };

/** A node as GET /nodes lists it; the figures are there only with Sys.Audit on /nodes/<node> (API2/Nodes.pm). */
export interface NodeEntry {
  node: string;
  status: string;
  maxcpu?: number;
  maxmem?: number;
  mem?: number;
}

/** Where a guest lives in the cluster, from /cluster/resources. */
export interface GuestLocation {
  vmid: number;
  node: string;
  type: 'lxc' | 'qemu';
  name?: string;
}

export interface LxcStatus {
  status: string;
  name?: string;
  lock?: string;
}

/** The Proxmox API calls the suite makes, against one node, through `proxmox-api` with a verified TLS connection. */
export class ProxmoxNodeClient implements TaskSource {
  private readonly api: Proxmox.Api;

  constructor(
    private readonly connection: ProxmoxConnection,
    readonly node: string,
    private readonly context: ProxmoxClientContext = STANDALONE,
  ) {
    this.api = proxmoxApi({
      host: connection.endpoint.hostname,
      port: Number(connection.endpoint.port || 8006),
      tokenID: connection.tokenId,
      tokenSecret: connection.tokenSecret,
      fetch: verifiedFetch(connection, context.requestTimeoutMs) as never,
      // proxmox-api arms a timer per request and leaves it running when the request fails, which holds a finished
      // run open for a minute. verifiedFetch enforces the suite's own timeout and ignores proxmox-api's abort signal,
      // so its timer may as well fire at once.
      queryTimeout: 1,
    });
  }

  /**
   * A client for the node the endpoint is on (the given one when PROXMOX_VE_NODE names it): the one /cluster/status
   * marks `local`, or, for a token that may not read it, the first online node by name (GET /nodes comes in no
   * stable order in a cluster: a Perl hash's).
   */
  static async connect(connection: ProxmoxConnection, node?: string, context: ProxmoxClientContext = STANDALONE): Promise<ProxmoxNodeClient> {
    const probe = new ProxmoxNodeClient(connection, node ?? '', context);
    const nodes = await probe.call('list nodes', () => probe.api.nodes.$get());
    if (node) {
      if (!nodes.some((entry) => entry.node === node)) {
        throw new InfrastructureError('proxmox', `Proxmox node "${node}" (PROXMOX_VE_NODE) is not in this cluster; it has: ${nodes.map((n) => n.node).sort().join(', ')}`);
      }
      return probe;
    }
    const local = (await probe.clusterStatus().catch(() => undefined))?.localNode;
    const online = nodes.filter((entry) => entry.status === 'online').map((entry) => entry.node).sort();
    if (!local && !online.length) throw new InfrastructureError('proxmox', 'no Proxmox node is online');
    return new ProxmoxNodeClient(connection, local ?? online[0], context);
  }

  /** GET /cluster/status (Sys.Audit on /): the cluster's name, or none for a standalone node, and the node answering. */
  async clusterStatus(): Promise<{ cluster?: string; localNode?: string }> {
    const entries = (await this.api.cluster.status.$get()) as Array<{ type: string; name: string; local?: number }>;
    return { cluster: entries.find((entry) => entry.type === 'cluster')?.name, localNode: entries.find((entry) => entry.type === 'node' && entry.local === 1)?.name };
  }

  /** The same API for another node of the cluster (pveproxy forwards the calls to it). */
  forNode(node: string): ProxmoxNodeClient {
    return node === this.node ? this : new ProxmoxNodeClient(this.connection, node, this.context);
  }

  /** Every node with its state and, when the token may read them, its size and load. */
  async nodes(): Promise<NodeEntry[]> {
    const nodes = await this.call('list nodes', () => this.api.nodes.$get());
    const figure = (value: unknown) => (value === undefined || value === null ? undefined : Number(value));
    return nodes.map((entry) => ({ node: entry.node, status: String(entry.status), maxcpu: figure(entry.maxcpu), maxmem: figure(entry.maxmem), mem: figure(entry.mem) }));
  }

  /** The cluster's guests, wherever they run: containers and QEMU VMs. */
  async guests(): Promise<GuestLocation[]> {
    const resources = await this.call('list the cluster\'s guests', () => this.api.cluster.resources.$get({ type: 'vm' }));
    return resources
      .filter((entry) => entry.type === 'lxc' || entry.type === 'qemu')
      .map((entry) => ({ vmid: Number(entry.vmid), node: String(entry.node), type: entry.type as 'lxc' | 'qemu', name: entry.name ? String(entry.name) : undefined }));
  }

  /** The node a guest is on, if it exists anywhere in the cluster. */
  async locate(vmid: number): Promise<GuestLocation | undefined> {
    return (await this.guests()).find((guest) => guest.vmid === vmid);
  }

  /** The node's bridges (GET /nodes/{node}/network?type=any_bridge: Linux and OVS bridges). */
  async bridges(): Promise<string[]> {
    const interfaces = await this.call(`list the bridges of node ${this.node}`, () => this.api.nodes.$(this.node).network.$get({ type: 'any_bridge' }));
    return interfaces.map((entry) => entry.iface).sort();
  }

  /** The node's own IPv4 addresses (GET /nodes/{node}/network: each interface's `address`). */
  async addresses(): Promise<string[]> {
    const interfaces = await this.call(`list the interfaces of node ${this.node}`, () => this.api.nodes.$(this.node).network.$get());
    return interfaces.map((entry) => entry.address).filter((address): address is string => Boolean(address));
  }

  /** A QEMU VM's configuration (its cloud-init ipconfigN tells its addresses). */
  async vmConfig(vmid: number): Promise<Record<string, unknown>> {
    return this.call(`read config of VM ${vmid}`, () => this.api.nodes.$(this.node).qemu.$(vmid).config.$get()) as Promise<Record<string, unknown>>;
  }

  version(): Promise<{ version: string; release: string }> {
    return this.call('read version', () => this.api.version.$get()) as Promise<{ version: string; release: string }>;
  }

  /**
   * What the token may do, as GET /access/permissions lists it: ACL path -> privilege -> 1 if it also holds below that
   * path, 0 if only on it. Paths no ACL names are not listed (see src/preflight/token-privileges.ts).
   */
  async permissions(): Promise<Record<string, Record<string, number>>> {
    return (await this.call('read the API token\'s permissions', () => this.api.access.permissions.$get())) as Record<string, Record<string, number>>;
  }

  /** The node's size and load, as GET /nodes lists it (figures undefined without Sys.Audit on /nodes/<node>). */
  async nodeUsage(): Promise<NodeEntry> {
    const entry = (await this.nodes()).find((candidate) => candidate.node === this.node);
    if (!entry) throw new InfrastructureError('proxmox', `node ${this.node} is no longer listed by the API`);
    return entry;
  }

  /** The VMID Proxmox would give the next guest (`pvesh get /cluster/nextid`). */
  async nextFreeVmid(): Promise<number> {
    return Number(await this.call('ask for the next free VMID', () => this.api.cluster.nextid.$get()));
  }

  /**
   * Every guest of the cluster with the addresses its configuration gives it: a container's `ip=` on its net* lines,
   * a QEMU VM's cloud-init `ip=` on its ipconfig* lines (a VM without cloud-init shows none: its address is the
   * guest's own business, and only asking the LAN finds it).
   */
  async guestAddresses(): Promise<Array<{ vmid: number; name: string; ips: string[] }>> {
    return Promise.all(
      (await this.guests()).map(async (guest) => {
        const client = this.forNode(guest.node);
        const config = guest.type === 'lxc' ? await client.containerConfig(guest.vmid) : await client.vmConfig(guest.vmid);
        const lines = Object.entries(config).filter(([key]) => /^(net|ipconfig)\d+$/.test(key));
        const ips = lines.map(([, value]) => /(?:^|,)ip=([\d.]+)/.exec(String(value))?.[1]).filter((ip): ip is string => Boolean(ip));
        return { vmid: guest.vmid, name: guest.name ?? '', ips };
      }),
    );
  }

  /** Storage sizes in bytes, as GET /nodes/{node}/storage lists them. */
  async storages(): Promise<Array<{ storage: string; active: boolean; avail: number; content: string }>> {
    const list = await this.call('list storages', () => this.api.nodes.$(this.node).storage.$get());
    return list.map((entry) => ({ storage: entry.storage, active: Boolean(Number(entry.active)), avail: Number(entry.avail), content: String(entry.content ?? '') }));
  }

  async templates(storage: string): Promise<string[]> {
    const content = await this.call(`list templates on ${storage}`, () =>
      this.api.nodes.$(this.node).storage.$(storage).content.$get({ content: 'vztmpl' }),
    );
    return content.map((entry) => entry.volid);
  }

  /** undefined when the container does not exist. */
  async containerStatus(vmid: number): Promise<LxcStatus | undefined> {
    try {
      return (await this.api.nodes.$(this.node).lxc.$(vmid).status.current.$get()) as LxcStatus;
    } catch (error) {
      const apiError = ProxmoxApiError.from(error);
      if (apiError?.status === 500 && /does not exist/.test(apiError.detail)) return undefined;
      throw this.explain(`read status of CT ${vmid}`, error);
    }
  }

  async containerConfig(vmid: number): Promise<Record<string, unknown>> {
    return this.call(`read config of CT ${vmid}`, () => this.api.nodes.$(this.node).lxc.$(vmid).config.$get()) as Promise<Record<string, unknown>>;
  }

  createContainer(parameters: LxcCreateParameters): Promise<string> {
    const path = `/nodes/${this.node}/lxc`;
    const change = this.change('create', `CT ${parameters.vmid} (${parameters.hostname})`, `pvesh create ${path} ${pveshOptions(parameters)}`);
    return this.write(change, `create CT ${parameters.vmid}`, () => this.api.nodes.$(this.node).lxc.$post(parameters as never));
  }

  startContainer(vmid: number): Promise<string> {
    const change = this.change('start', `CT ${vmid}`, `pvesh create /nodes/${this.node}/lxc/${vmid}/status/start   # pct start ${vmid}`);
    return this.write(change, `start CT ${vmid}`, () => this.api.nodes.$(this.node).lxc.$(vmid).status.start.$post());
  }

  stopContainer(vmid: number): Promise<string> {
    const change = this.change('stop', `CT ${vmid}`, `pvesh create /nodes/${this.node}/lxc/${vmid}/status/stop   # pct stop ${vmid}`);
    return this.write(change, `stop CT ${vmid}`, () => this.api.nodes.$(this.node).lxc.$(vmid).status.stop.$post());
  }

  destroyContainer(vmid: number): Promise<string> {
    const change = this.change('destroy', `CT ${vmid}`, `pvesh delete /nodes/${this.node}/lxc/${vmid} --force 1 --purge 1   # pct destroy ${vmid} --force --purge`);
    return this.write(change, `destroy CT ${vmid}`, () => this.api.nodes.$(this.node).lxc.$(vmid).$delete({ force: true, purge: true }));
  }

  async status(upid: string): Promise<TaskStatus> {
    return (await this.api.nodes.$(this.node).tasks.$(upid).status.$get()) as TaskStatus;
  }

  async log(upid: string): Promise<string[]> {
    const lines = await this.api.nodes.$(this.node).tasks.$(upid).log.$get({ start: 0, limit: 1000 });
    return lines.map((line) => String(line.t));
  }

  private change(action: string, target: string, command: string): Change {
    return { system: 'proxmox', action, target: `${target} on ${this.node}`, command };
  }

  /** A request that changes something: allowed first, recorded once Proxmox took it (a refusal is no change). */
  private async write<T>(change: Change, what: string, request: () => Promise<T>): Promise<T> {
    const pending = this.context.changes.begin(change);
    try {
      const answer = await request();
      pending.made();
      return answer;
    } catch (error) {
      // Proxmox answered with a refusal: nothing changed. Without an answer it may have.
      if (ProxmoxApiError.from(error)) pending.refused();
      else pending.made('unknown');
      throw this.explain(what, error);
    }
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.explain(what, error);
    }
  }

  /** Turns a client error into one that says what the suite tried and what Proxmox answered. */
  private explain(what: string, error: unknown): Error {
    if (error instanceof InfrastructureError) return error;
    const apiError = ProxmoxApiError.from(error);
    if (apiError) {
      const hint =
        apiError.status === 401 ? ' Check PROXMOX_VE_API_TOKEN: the token id and secret must match a token on the node.'
        : apiError.status === 403 ? ' The API token lacks this privilege: grant it on the path named, or uncheck "Privilege Separation" for the token.'
        : /already exists/.test(apiError.describe()) ? ' Another guest took this VMID after the preflight: pick a free one (`pvesh get /cluster/nextid` suggests one).'
        : '';
      return new InfrastructureError('proxmox', `Proxmox refused to ${what}: ${apiError.status} ${apiError.describe()}.${hint}`);
    }
    // Connection failures: proxmox-api wraps undici's error; its cause says why (refused, TLS pin, timeout).
    const cause = (error as Error & { cause?: Error & { cause?: Error } }).cause;
    const inner = cause?.cause;
    if (inner instanceof InfrastructureError) return inner;
    if (cause instanceof InfrastructureError) return cause;
    const reason = inner?.message ?? cause?.message ?? (error as Error).message;
    return new InfrastructureError('proxmox', `could not ${what}: Proxmox API unreachable (${reason}). Check PROXMOX_VE_ENDPOINT and that the node is up.`);
  }
}

/** Create parameters as pvesh options; the SSH public key is shown by its type and comment, the rest as sent. */
function pveshOptions(parameters: LxcCreateParameters): string {
  return Object.entries(parameters)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `--${key} ${shellWord(optionText(key, value))}`)
    .join(' ');
}

function optionText(key: string, value: unknown): string {
  if (key === 'ssh-public-keys') return String(value).split(' ').filter((_, index) => index !== 1).join(' ');
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

function shellWord(text: string): string {
  return /^[\w.:/=,@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
