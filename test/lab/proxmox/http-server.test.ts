import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestNode, TOKEN_ID, type TestNode } from './test-node';

describe('http-server and envelope (pve-http-server AnyEvent.pm, Formatter/Standard.pm)', () => {
  let t: TestNode;
  before(async () => (t = await startTestNode()));
  after(() => t.stop());

  it('answers {"data": ...} with Content-Type exactly application/json;charset=UTF-8 (what proxmox-api parses)', async () => {
    const r = await t.api('/version');
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'application/json;charset=UTF-8');
    assert.deepEqual(r.json, { data: { version: '8.4.1', release: '8.4', repoid: '2a5fa54a8503f96d' } });
  });

  it('answers 501 "Method \'GET /x\' not implemented" for an unknown path (RESTHandler find_handler)', async () => {
    const r = await t.api('/x');
    assert.equal(r.status, 501);
    assert.equal(r.statusText, "Method 'GET /x' not implemented");
    assert.deepEqual(r.json, { data: null, message: "Method 'GET /x' not implemented\n" });
  });

  it('answers 401 "No ticket" with an empty body when no credentials are sent (auth_handler)', async () => {
    const r = await t.api('/version', { token: null });
    assert.equal(r.status, 401);
    assert.equal(r.statusText, 'No ticket');
    assert.equal(r.text, '');
  });

  it('answers 401 "Authentication failed!" for a wrong token secret', async () => {
    const r = await t.api('/version', { token: `${TOKEN_ID}=99999999-2222-4333-8444-555555555555` });
    assert.equal(r.status, 401);
    assert.equal(r.statusText, 'Authentication failed!');
    assert.equal(r.text, '');
  });

  it('issues a ticket to root@pam and requires its CSRF token on writes (PVE::API2::AccessControl create_ticket)', async () => {
    const login = await t.api('/access/ticket', { method: 'POST', token: null, form: { username: 'root@pam', password: 'correct horse' } });
    assert.equal(login.status, 200);
    const { ticket, CSRFPreventionToken, username, cap } = login.json.data;
    assert.equal(username, 'root@pam');
    assert.match(ticket, /^PVE:root@pam:[0-9A-F]{8}::/);
    assert.ok(cap.vms['VM.Allocate']);
    const cookie = `PVEAuthCookie=${encodeURIComponent(ticket)}`;
    assert.equal((await t.api('/version', { token: null, headers: { Cookie: cookie } })).status, 200);
    const noCsrf = await t.api('/nodes/pve/lxc/102/config', { method: 'PUT', token: null, headers: { Cookie: cookie }, form: { memory: '512' } });
    assert.equal(noCsrf.status, 401);
    assert.equal(noCsrf.statusText, 'Permission denied - invalid csrf token');
    const withCsrf = await t.api('/nodes/pve/lxc/102/config', { method: 'PUT', token: null, headers: { Cookie: cookie, CSRFPreventionToken }, form: { memory: '512' } });
    assert.equal(withCsrf.status, 500);
    assert.equal(withCsrf.statusText, "Configuration file 'nodes/pve/lxc/102.conf' does not exist");
  });

  it('answers 401 "authentication failure" for a wrong password at /access/ticket', async () => {
    const r = await t.api('/access/ticket', { method: 'POST', token: null, form: { username: 'root@pam', password: 'nope' } });
    assert.equal(r.status, 401);
    assert.equal(r.statusText, 'authentication failure');
  });

  it('counts authenticated writes only (for "changed nothing" proofs)', async () => {
    const before = t.node.writeCount();
    await t.api('/version');
    await t.api('/cluster/nextid');
    assert.equal(t.node.writeCount(), before);
    await t.api('/nodes/pve/lxc/555/status/start', { method: 'POST' });
    assert.equal(t.node.writeCount(), before + 1);
  });
});
