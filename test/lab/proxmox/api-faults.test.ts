import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import tls from 'node:tls';
import { after, afterEach, before, describe, it } from 'node:test';
import { Agent, fetch } from 'undici';
import { startTestNode, TOKEN_ID, TOKEN_SECRET, type TestNode } from './test-node';

/**
 * A GET on a connection of its own: a pooled keep-alive socket that the node cut is only noticed by the client at
 * its next use (undici: "other side closed"), as with a real pveproxy restart.
 */
async function freshGet(t: TestNode, path = '/version', authorized = true): Promise<{ status: number; json: any }> {
  const dispatcher = new Agent({ connect: { ca: t.node.caPem } });
  const headers: Record<string, string> = authorized ? { Authorization: `PVEAPIToken=${TOKEN_ID}=${TOKEN_SECRET}` } : {};
  try {
    const res = await fetch(new URL(`api2/json${path}`, t.node.apiUrl), { headers, dispatcher });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  } finally {
    await dispatcher.close();
  }
}

/** An open TLS connection to the API, as a keep-alive client holds one between requests. */
async function openConnection(t: TestNode): Promise<tls.TLSSocket> {
  const socket = tls.connect({ host: '127.0.0.1', port: t.node.apiPort, ca: t.node.caPem, servername: 'localhost' });
  await once(socket, 'secureConnect');
  return socket;
}

/** What a client meets when it dials the API: the certificate's fingerprint, or the connect error's code. */
async function dial(t: TestNode): Promise<{ fingerprint?: string; code?: string; cert?: X509Certificate }> {
  const socket = tls.connect({ host: '127.0.0.1', port: t.node.apiPort, ca: t.node.caPem, servername: 'localhost' });
  try {
    await once(socket, 'secureConnect');
    const cert = socket.getPeerX509Certificate()!;
    return { fingerprint: cert.fingerprint256, cert };
  } catch (error) {
    return { code: (error as NodeJS.ErrnoException).code };
  } finally {
    socket.destroy();
  }
}

/** freshGet with how long the answer took, in ms. */
async function timedGet(t: TestNode, path = '/version', authorized = true): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const { status } = await freshGet(t, path, authorized);
  return { status, ms: performance.now() - started };
}

describe('node faults: the API server (pveproxy stopped, slow, re-keyed)', () => {
  let t: TestNode;
  before(async () => (t = await startTestNode()));
  afterEach(() => t.node.faults.clear());
  after(() => t.stop());

  it('refuses new connections with ECONNREFUSED while down, as with pveproxy stopped, and cuts open ones', async () => {
    const open = await openConnection(t);
    const closed = once(open, 'close');
    const writes = t.node.writeCount();
    await t.node.faults.apiDown();
    await closed;
    assert.equal((await dial(t)).code, 'ECONNREFUSED');
    await assert.rejects(freshGet(t), (error: Error & { cause?: { code?: string } }) => error.cause?.code === 'ECONNREFUSED');
    await assert.rejects(t.network.connect(t.node.hostIp, 8006), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED');
    assert.equal(t.node.writeCount(), writes);
  });

  it('serves again on the same port and apiUrl after apiUp', async () => {
    const { apiPort, apiUrl } = t.node;
    await t.node.faults.apiDown();
    await t.node.faults.apiUp();
    assert.equal(t.node.apiPort, apiPort);
    assert.equal(t.node.apiUrl, apiUrl);
    assert.equal((await freshGet(t)).status, 200);
    const socket = await t.network.connect(t.node.hostIp, 8006);
    socket.destroy();
  });

  it('treats apiDown twice and apiUp while up as no-ops', async () => {
    await t.node.faults.apiUp();
    await t.node.faults.apiDown();
    await t.node.faults.apiDown();
    await t.node.faults.apiUp();
    assert.equal((await freshGet(t)).status, 200);
  });

  it('brings the API back up on clear()', async () => {
    await t.node.faults.apiDown();
    await t.node.faults.clear();
    assert.equal((await freshGet(t)).status, 200);
  });

  it('holds every answer back by the armed delay, errors included, until apiSlow(0) or clear()', async () => {
    t.node.faults.apiSlow(400);
    for (const [path, authorized, status] of [['/version', true, 200], ['/nope', true, 501], ['/version', false, 401]] as const) {
      const slow = await timedGet(t, path, authorized);
      assert.equal(slow.status, status);
      assert.ok(slow.ms >= 395, `${path} answered after ${slow.ms}ms`);
    }
    t.node.faults.apiSlow(0);
    assert.ok((await timedGet(t)).ms < 395);
    t.node.faults.apiSlow(400);
    await t.node.faults.clear();
    assert.ok((await timedGet(t)).ms < 395);
  });

  it('refuses a negative delay', () => {
    assert.throws(() => t.node.faults.apiSlow(-1), RangeError);
  });

  it('presents a newly issued certificate (new key, same CA and names) and returns its fingerprint', async () => {
    const before = await dial(t);
    const open = await openConnection(t);
    const closed = once(open, 'close');
    const writes = t.node.writeCount();
    const fingerprint = await t.node.faults.replaceTlsCertificate();
    await closed;

    assert.match(fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.notEqual(fingerprint, before.fingerprint);
    const after = await dial(t);
    assert.equal(after.fingerprint, fingerprint);
    assert.equal(after.cert!.subjectAltName, before.cert!.subjectAltName);
    assert.equal(after.cert!.subject, before.cert!.subject);
    assert.notEqual(after.cert!.publicKey.export({ format: 'der', type: 'spki' }).toString('hex'), before.cert!.publicKey.export({ format: 'der', type: 'spki' }).toString('hex'));
    assert.equal(t.node.tlsFingerprint, fingerprint);
    assert.equal((await freshGet(t, '/nodes')).json.data[0].ssl_fingerprint, fingerprint);
    assert.equal(t.node.writeCount(), writes);

    await t.node.faults.clear();
    assert.equal((await dial(t)).fingerprint, fingerprint);
  });
});
