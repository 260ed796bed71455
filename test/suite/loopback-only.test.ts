import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';

// npm test loads test/support/loopback-only.cjs into every Node process (NODE_OPTIONS).
describe('the network rule under npm test', { skip: !process.env.NODE_OPTIONS?.includes('loopback-only') }, () => {
  it('refuses a connection to the story\'s private network before any packet leaves', async () => {
    const socket = net.connect({ host: '192.168.2.20', port: 6443 });
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => socket.once('error', resolve));
    assert.equal(error.code, 'ENETUNREACH');
    assert.match(error.message, /refused 192\.168\.2\.20:6443/);
  });

  it('lets loopback through', async () => {
    const server = net.createServer((connection) => connection.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = net.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.destroy();
    server.close();
  });
});
