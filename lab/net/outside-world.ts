/**
 * "The internet" as the lab's guests reach it from the story's LAN. Nothing here opens a socket: the sites are
 * answered in process, and the guest's HTTP clients ask this object what the network between them would do.
 *
 * - online: the LAN's resolver answers public names and outbound connections go through.
 * - offline: no upstream DNS, so every outside name fails to resolve (curl (6), Go `lookup ...: Try again`).
 * - proxy: names resolve, but the firewall drops direct outbound SYNs (the kernel gives up after its SYN retries,
 *   about 131 s with net.ipv4.tcp_syn_retries=6); a squid proxy on the LAN passes HTTP and CONNECT to port 443.
 */
export type GuestInternetMode = 'online' | 'offline' | 'proxy';

export const GUEST_INTERNET_MODES: readonly GuestInternetMode[] = ['online', 'offline', 'proxy'];

/** Where the proxy listens in proxy mode (squid's default http_port). */
export const LAB_PROXY = { host: '192.168.2.5', port: 3128 };

/** How long a dropped SYN takes to fail: 1+2+4+8+16+32+64 s of retransmissions, then ETIMEDOUT. */
export const SYN_TIMEOUT_MS = 131_000;

export interface OutsideRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
}

export interface OutsideResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One public site, answering in process. */
export type OutsideSite = (request: OutsideRequest) => OutsideResponse;

/** Public names the LAN's resolver knows besides the sites the lab serves (registries the kubelets pull from). */
const KNOWN_HOSTS: Record<string, string> = {
  'registry-1.docker.io': '54.236.113.205',
  'auth.docker.io': '3.94.224.37',
  'registry.k8s.io': '34.96.108.209',
  'ghcr.io': '140.82.121.34',
  'quay.io': '44.208.169.71',
};

export class OutsideWorld {
  constructor(
    readonly mode: GuestInternetMode,
    private readonly sites: Record<string, OutsideSite>,
    readonly proxy = LAB_PROXY,
  ) {}

  /** The address the LAN's resolver gives for a public name, or undefined (offline, or no such name). */
  resolve(host: string): string | undefined {
    if (this.mode === 'offline') return undefined;
    const name = host.toLowerCase();
    if (KNOWN_HOSTS[name]) return KNOWN_HOSTS[name];
    return this.sites[name] ? siteAddress(name) : undefined;
  }

  /** Whether a direct outbound connection from the LAN gets through, or its SYNs are dropped by the firewall. */
  direct(): 'connects' | 'dropped' {
    return this.mode === 'proxy' ? 'dropped' : 'connects';
  }

  /** Whether `host:port` is the proxy, and it is there (it only exists in proxy mode). */
  isProxy(host: string, port: number): boolean {
    return this.mode === 'proxy' && host === this.proxy.host && port === this.proxy.port;
  }

  /** squid's default policy: `http_access deny CONNECT !SSL_ports` with SSL_ports 443 -> 200 or 403. */
  connectStatus(port: number): 200 | 403 {
    return port === 443 ? 200 : 403;
  }

  /** A public site's answer; a name the lab serves nothing at answers 404. */
  serve(request: OutsideRequest): OutsideResponse {
    const site = this.sites[request.url.hostname.toLowerCase()];
    if (site) return site(request);
    return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('404 page not found\n') };
  }
}

/** A stable public-looking address per served name (what `curl -v` would show it connecting to). */
function siteAddress(name: string): string {
  const sum = [...name].reduce((acc, char) => (acc * 31 + char.charCodeAt(0)) >>> 0, 7);
  return `104.${16 + (sum % 16)}.${(sum >>> 8) % 256}.${(sum >>> 16) % 254 + 1}`;
}
