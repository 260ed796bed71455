import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROLES } from '../../../lab/proxmox';
import { createWorker, LIMITED_SECRET, LIMITED_TOKEN_ID, startTestNode, WORKER_CREATE, type TestNode } from './test-node';

describe('lxc-create (POST /nodes/{node}/lxc, pve-container src/PVE/API2/LXC.pm create_vm)', () => {
  let t: TestNode;
  before(async () => (t = await startTestNode()));
  after(() => t.stop());

  const create = (form: Record<string, string>, token?: string) => t.api('/nodes/pve/lxc', { method: 'POST', form, token });

  it('answers 400 "Parameter verification failed." with per-parameter errors before anything else (JSONSchema validate)', async () => {
    const r = await create({ ...WORKER_CREATE, vmid: '42', memory: '8', colour: 'blue' });
    assert.equal(r.status, 400);
    assert.equal(r.statusText, 'Parameter verification failed.');
    assert.deepEqual(r.json, {
      data: null,
      message: 'Parameter verification failed.\n',
      errors: {
        vmid: 'invalid format - value does not look like a valid VM ID\n',
        memory: 'value must have a minimum value of 16',
        colour: 'property is not defined in schema and the schema does not allow additional properties',
      },
    });
  });

  it('refuses feature flags on a privileged CT for a token with the exact 403 text (check_ct_modify_config_perm)', async () => {
    const r = await create({ ...WORKER_CREATE, features: 'nesting=1' });
    assert.equal(r.status, 403);
    assert.equal(r.statusText, 'Permission check failed (changing feature flags for privileged container is only allowed for root@pam)');
    assert.equal(t.node.containers.has(102), false);
  });

  it('refuses anything but nesting on an unprivileged CT for a token, even keyctl=0 (check_ct_modify_config_perm)', async () => {
    const r = await create({ ...WORKER_CREATE, unprivileged: '1', features: 'nesting=1,keyctl=0' });
    assert.equal(r.status, 403);
    assert.equal(r.statusText, 'Permission check failed (changing feature flags (except nesting) is only allowed for root@pam)');
  });

  it('refuses a token without VM.Allocate with 403 "Permission check failed (/vms/102, VM.Allocate)"', async () => {
    const r = await create(WORKER_CREATE, `${LIMITED_TOKEN_ID}=${LIMITED_SECRET}`);
    assert.equal(r.status, 403);
    assert.equal(r.statusText, 'Permission check failed (/vms/102, VM.Allocate)');
    assert.deepEqual(r.json, { data: null, message: 'Permission check failed (/vms/102, VM.Allocate)\n' });
  });

  it('lets a privilege-separated token create a privileged CT with its roles on /vms, the storages and the bridge: PVE 8 wants no Sys.Modify', async () => {
    const token = { tokenId: 'root@pam!least', secret: '55555555-6666-4777-8888-999999999999' };
    t.node.addApiToken({
      ...token,
      privileges: [
        { path: '/vms/120', privileges: ROLES.PVEVMAdmin },
        { path: '/storage/local-lvm', privileges: ['Datastore.AllocateSpace'] },
        // Read access is enough for a template (pve-storage Storage.pm check_volume_access).
        { path: '/storage/local', privileges: ['Datastore.Audit'] },
        { path: '/sdn/zones/localnetwork/vmbr0', privileges: ['SDN.Use'] },
      ],
    });
    const r = await create({ ...WORKER_CREATE, vmid: '120', unprivileged: '0' }, `${token.tokenId}=${token.secret}`);
    assert.equal(r.status, 200, r.text);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'OK');
    const other = await create({ ...WORKER_CREATE, vmid: '121' }, `${token.tokenId}=${token.secret}`);
    assert.equal(other.statusText, 'Permission check failed (/vms/121, VM.Allocate)');
  });

  it('refuses a template on a storage the token may not read, naming both privileges that would do (check_any)', async () => {
    const token = { tokenId: 'root@pam!no-template', secret: '66666666-7777-4888-8999-aaaaaaaaaaaa' };
    t.node.addApiToken({ ...token, privileges: [{ path: '/', privileges: [...ROLES.PVEVMAdmin, 'SDN.Use'] }, { path: '/storage/local-lvm', privileges: ['Datastore.AllocateSpace'] }] });
    const r = await create({ ...WORKER_CREATE, vmid: '122' }, `${token.tokenId}=${token.secret}`);
    assert.equal(r.status, 403);
    assert.equal(r.statusText, 'Permission check failed (/storage/local, Datastore.AllocateSpace|Datastore.Audit)');
  });

  it('answers 500 for an unknown storage and 400 for one without container directories (storage_check_enabled)', async () => {
    const missing = await create({ ...WORKER_CREATE, rootfs: 'fast-ssd:50' });
    assert.equal(missing.status, 500);
    assert.equal(missing.statusText, "storage 'fast-ssd' does not exist");
    const wrongKind = await create({ ...WORKER_CREATE, rootfs: 'local:50' });
    assert.equal(wrongKind.status, 400);
    assert.deepEqual(wrongKind.json.errors, { storage: "storage 'local' does not support container directories" });
  });

  it('reserves the VMID at once with `lock: create`, returns a vzcreate UPID, and logs the real vzcreate lines', async () => {
    const release = t.runtime.holdCreates();
    const r = await create({ ...WORKER_CREATE, unprivileged: '0', start: '0' });
    assert.equal(r.status, 200);
    const upid: string = r.json.data;
    assert.match(upid, /^UPID:pve:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:vzcreate:102:root@pam!acceptance:$/);
    assert.equal(t.node.containers.text(102), 'lock: create\n');

    // The vzcreate worker holds the config flock for its whole run, so update_vm's lock_config times out.
    const locked = await t.api('/nodes/pve/lxc/102/config', { method: 'PUT', form: { memory: '1024' } });
    assert.equal(locked.status, 500);
    assert.equal(locked.statusText, "can't lock file '/run/lock/lxc/pve-config-102.lock' - got timeout");
    const again = await create(WORKER_CREATE);
    assert.equal(again.status, 500);
    assert.equal(again.statusText, "CT 102 already exists on node 'pve'");
    release();

    const status = await t.waitTask(upid);
    assert.equal(status.exitstatus, 'OK');
    const log = await t.api(`/nodes/pve/tasks/${encodeURIComponent(upid)}/log?start=0&limit=50`);
    const lines = log.json.data.map((l: { t: string }) => l.t);
    assert.equal(log.json.total, lines.length);
    assert.deepEqual(lines, [
      '  Logical volume "vm-102-disk-0" created.',
      'Creating filesystem with 13107200 4k blocks and 3276800 inodes',
      "extracting archive '/var/lib/vz/template/cache/ubuntu-22.04-standard_22.04-1_amd64.tar.zst'",
      'Total bytes read: 542883840 (518MiB, 151MiB/s)',
      'Detected container architecture: amd64',
      "Creating SSH host key 'ssh_host_rsa_key' - this may take some time ...",
      'done: SHA256:rsaFAKEfingerprint0000000000000000000000000 root@k3s-worker-01',
      "Creating SSH host key 'ssh_host_ed25519_key' - this may take some time ...",
      'done: SHA256:edFAKEfingerprint00000000000000000000000000 root@k3s-worker-01',
      'TASK OK',
    ]);
    assert.equal(t.runtime.created[0].sshPublicKeys, WORKER_CREATE['ssh-public-keys']);
  });

  it('stores rootfs as the allocated volume, completes net0 with hwaddr and type=veth, and leaves privileged CTs without `unprivileged`', async () => {
    const r = await t.api('/nodes/pve/lxc/102/config');
    const c = r.json.data;
    assert.equal(c.rootfs, 'local-lvm:vm-102-disk-0,size=50G');
    assert.match(c.net0, /^name=eth0,bridge=vmbr0,gw=192\.168\.2\.1,hwaddr=BC:24:11(:[0-9A-F]{2}){3},ip=192\.168\.2\.21\/24,type=veth$/);
    assert.equal(c.arch, 'amd64');
    assert.equal(c.ostype, 'ubuntu');
    assert.equal(c.memory, 8192);
    assert.equal(c.cores, 4);
    assert.equal(c.unprivileged, undefined);
    assert.equal(c.lock, undefined);
    assert.match(c.digest, /^[0-9a-f]{40}$/);
  });

  it('fails the task for a template that is not on the storage and removes the config again (restore_archive)', async () => {
    const r = await create({ ...WORKER_CREATE, vmid: '103', ostemplate: 'local:vztmpl/nope.tar.zst' });
    assert.equal(r.status, 200);
    const status = await t.waitTask(r.json.data);
    assert.equal(status.exitstatus, "unable to create CT 103 - can't find file 'local:vztmpl/nope.tar.zst'");
    const log = await t.api(`/nodes/pve/tasks/${encodeURIComponent(r.json.data)}/log`);
    assert.equal(log.json.data.at(-1).t, "TASK ERROR: unable to create CT 103 - can't find file 'local:vztmpl/nope.tar.zst'");
    assert.equal(t.node.containers.has(103), false);
  });

  it('lets root@pam with a ticket set keyctl and fuse at create (only root@pam may)', async () => {
    const login = await t.api('/access/ticket', { method: 'POST', token: null, form: { username: 'root@pam', password: 'correct horse' } });
    const { ticket, CSRFPreventionToken } = login.json.data;
    const r = await t.api('/nodes/pve/lxc', {
      method: 'POST',
      token: null,
      headers: { Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}`, CSRFPreventionToken },
      form: { ...WORKER_CREATE, vmid: '104', features: 'nesting=1,keyctl=1,fuse=1' },
    });
    assert.equal(r.status, 200);
    assert.match(r.json.data, /:vzcreate:104:root@pam:$/);
    assert.equal((await t.waitTask(r.json.data)).exitstatus, 'OK');
    assert.equal((await t.api('/nodes/pve/lxc/104/config')).json.data.features, 'nesting=1,keyctl=1,fuse=1');
  });

  it('starts the CT after creation with start=1', async () => {
    await createWorker(t, { vmid: '105', start: '1' });
    assert.equal(t.runtime.isRunning(105), true);
  });
});
