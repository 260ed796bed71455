import net from 'node:net';

/** An error shaped like the one a real socket raises, so callers print what a real tool would. */
export class NetworkError extends Error {
  constructor(
    readonly code: 'EHOSTUNREACH' | 'ECONNREFUSED',
    readonly address: string,
    readonly port: number,
  ) {
    super(`connect ${code} ${address}:${port}`);
  }
}

/**
 * The story's private network (192.168.2.0/24) as it exists inside the lab. Each virtual host:port is backed by a
 * listener on loopback; nothing here ever dials a non-loopback address, so tests keep to the network rule.
 */
/** A machine on the LAN that is none of the lab's servers (a printer, a VM's guest OS): it answers ARP and ping only. */
export interface LanDevice {
  /** What it is, for people reading the lab: 'printer', 'router', 'VM 150 home-assistant'. */
  name: string;
  /** Its MAC address, `3C:2A:F4:12:34:56`. */
  hwaddr: string;
}

export class VirtualNetwork {
  private readonly hosts = new Map<string, Map<number, number>>();
  private readonly devices = new Map<string, LanDevice>();
  private readonly unreachable = new Set<string>();
  private readonly refusals = new Map<string, number>();

  /** A host comes up (its interface is configured): connections to closed ports are refused rather than lost. */
  attachHost(ip: string): void {
    if (!this.hosts.has(ip)) this.hosts.set(ip, new Map());
  }

  /** A host goes down: connections to any of its ports fail with "no route to host". */
  detachHost(ip: string): void {
    this.hosts.delete(ip);
  }

  /** Whether anything answers at `ip` (ARP, ping): a host with listeners or a device. */
  hasHost(ip: string): boolean {
    return (this.hosts.has(ip) || this.devices.has(ip)) && !this.unreachable.has(ip);
  }

  /**
   * A device joins the LAN at `ip`: it answers ARP and ping and refuses every TCP port. It stays when a host at the
   * same address detaches (two machines claiming one address: the lab lets the listeners win while both are up).
   */
  addDevice(ip: string, device: LanDevice): void {
    this.devices.set(ip, device);
  }

  device(ip: string): LanDevice | undefined {
    return this.devices.get(ip);
  }

  /** Serves virtual `ip:port` from a loopback listener; returns the function that closes the port again. */
  expose(ip: string, port: number, loopbackPort: number): () => void {
    this.attachHost(ip);
    this.hosts.get(ip)!.set(port, loopbackPort);
    return () => {
      const ports = this.hosts.get(ip);
      if (ports?.get(port) === loopbackPort) ports.delete(port);
    };
  }

  /** Makes a host unreachable from everywhere without tearing it down (a partition, for fault injection). */
  setReachable(ip: string, reachable: boolean): void {
    if (reachable) this.unreachable.delete(ip);
    else this.unreachable.add(ip);
  }

  /**
   * The next `count` connections to ip:port are refused even though a listener is exposed: the host is up and its
   * service is not yet (sshd late in a container's boot). A count of 0 disarms it.
   */
  refuseNextConnections(ip: string, port: number, count: number): void {
    const key = `${ip}:${port}`;
    if (count > 0) this.refusals.set(key, (this.refusals.get(key) ?? 0) + count);
    else this.refusals.delete(key);
  }

  /** The loopback port behind a virtual address, or the error a real connect would raise. */
  resolve(ip: string, port: number): number {
    if (!this.hasHost(ip)) throw new NetworkError('EHOSTUNREACH', ip, port);
    const refusalsLeft = this.refusals.get(`${ip}:${port}`) ?? 0;
    if (refusalsLeft > 0) {
      this.refuseNextConnections(ip, port, 0);
      this.refuseNextConnections(ip, port, refusalsLeft - 1);
      throw new NetworkError('ECONNREFUSED', ip, port);
    }
    const loopbackPort = this.hosts.get(ip)?.get(port);
    if (loopbackPort === undefined) throw new NetworkError('ECONNREFUSED', ip, port);
    return loopbackPort;
  }

  /** Opens a TCP connection to a virtual address; resolves once connected. */
  connect(ip: string, port: number): Promise<net.Socket> {
    let loopbackPort: number;
    try {
      loopbackPort = this.resolve(ip, port);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: loopbackPort, noDelay: true });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }
}
