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

export interface LxcStatus {
  status: string;
  name?: string;
  lock?: string;
}

/** The Proxmox API calls the suite makes, against one node, through `proxmox-api` with a verified TLS connection. */
export class ProxmoxNodeClient implements TaskSource {
  private readonly api: Proxmox.Api;

  constructor(
    connection: ProxmoxConnection,
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

  /** Resolves the node name: the given one, or the only/first online node. */
  static async connect(connection: ProxmoxConnection, node?: string, context: ProxmoxClientContext = STANDALONE): Promise<ProxmoxNodeClient> {
    const probe = new ProxmoxNodeClient(connection, node ?? '', context);
    const nodes = await probe.call('list nodes', () => probe.api.nodes.$get());
    const online = nodes.filter((entry) => entry.status === 'online').map((entry) => entry.node);
    if (node) {
      if (!nodes.some((entry) => entry.node === node)) {
        throw new InfrastructureError('proxmox', `Proxmox node "${node}" (PROXMOX_VE_NODE) is not in this cluster; it has: ${nodes.map((n) => n.node).join(', ')}`);
      }
      return probe;
    }
    if (!online.length) throw new InfrastructureError('proxmox', 'no Proxmox node is online');
    return new ProxmoxNodeClient(connection, online[0], context);
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

  /** The node's size and load, as GET /nodes lists it. */
  async nodeUsage(): Promise<{ status: string; maxcpu: number; maxmem: number; mem: number }> {
    const nodes = await this.call('list nodes', () => this.api.nodes.$get());
    const entry = nodes.find((candidate) => candidate.node === this.node);
    if (!entry) throw new InfrastructureError('proxmox', `node ${this.node} is no longer listed by the API`);
    return { status: String(entry.status), maxcpu: Number(entry.maxcpu), maxmem: Number(entry.maxmem), mem: Number(entry.mem) };
  }

  /** The VMID Proxmox would give the next guest (`pvesh get /cluster/nextid`). */
  async nextFreeVmid(): Promise<number> {
    return Number(await this.call('ask for the next free VMID', () => this.api.cluster.nextid.$get()));
  }

  /** The node's containers, with each one's configured addresses (`ip=` of its net* lines). */
  async containerAddresses(): Promise<Array<{ vmid: number; name: string; ips: string[] }>> {
    const list = await this.call('list containers', () => this.api.nodes.$(this.node).lxc.$get());
    return Promise.all(
      list.map(async (entry) => {
        const config = await this.containerConfig(Number(entry.vmid));
        const ips = Object.entries(config).filter(([key]) => /^net\d+$/.test(key)).map(([, value]) => /(?:^|,)ip=([\d.]+)/.exec(String(value))?.[1]).filter((ip): ip is string => Boolean(ip));
        return { vmid: Number(entry.vmid), name: String(entry.name ?? ''), ips };
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
