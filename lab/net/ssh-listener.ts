import net, { type AddressInfo } from 'node:net';
import type { Server } from 'ssh2';

export interface SshListener {
  port: number;
  /** Stops accepting; resolves once every connection has ended (callers end their SSH clients first). */
  close(): Promise<void>;
}

/**
 * Serves an ssh2 Server on 127.0.0.1 from a listener with Nagle's algorithm off. An SSH exec is a handful of tiny
 * request/answer packets; with Nagle each waits for the peer's delayed ACK (~40 ms on Linux), which made every
 * command cost ~150 ms where real sshd (TCP_NODELAY on interactive sessions) answers at once.
 */
export function listenSsh(server: Server): Promise<SshListener> {
  const listener = net.createServer({ noDelay: true }, (socket) => server.injectSocket(socket));
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () =>
      resolve({
        port: (listener.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => listener.close(() => done())),
      }),
    );
  });
}
