import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { utils } from 'ssh2';
import { startLab, type RunningLab } from '../../lab';
import { createGuestRuntime } from '../../lab/guest';
import { generateParsableKeyPair } from '../../lab/guest/host-keys';
import { VirtualNetwork } from '../../lab/net/virtual-network';
import { startProxmoxNode } from '../../lab/proxmox';
import { LabTiming } from '../../lab/timing';
import { HostKernel } from '../../lab/contracts/host-kernel';
import { workerConfig } from './guest/guest-fixture';

// Real OpenSSH (Debian's openssh-client) against the lab: the Proxmox host as jump host, the guest behind it.
const SSH = '/usr/bin/ssh';
const GUEST_IP = '192.168.2.21';
const TEMPLATE = 'local:vztmpl/ubuntu-22.04-standard_22.04-1_amd64.tar.zst';
const K3S_RAW_LINES = [
  'lxc.apparmor.profile: unconfined',
  'lxc.cgroup2.devices.allow: a',
  'lxc.cap.drop:',
  'lxc.mount.auto: "proc:rw sys:rw"',
  'lxc.mount.entry: /dev/kmsg dev/kmsg none defaults,bind,create=file',
];

interface SshResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Runs /usr/bin/ssh with a deadline. ssh is not bound by the loopback-only rule of this Node process, so it refuses
 * to start unless the destination is loopback or the connection goes through the loopback jump host (-J or a
 * ProxyCommand with -W): the guest's 192.168.2.x address exists only inside the lab.
 */
function runSsh(args: string[], jumpHost: string, stdin = '', deadlineMs = 20_000): Promise<SshResult> {
  const destination = args[args.length - 2] ?? '';
  const viaJump = jumpHost.startsWith('root@127.0.0.1:') && args.includes('-J') && args[args.indexOf('-J') + 1] === jumpHost;
  const viaProxy = args.some((arg) => arg.startsWith('ProxyCommand=') && arg.endsWith(' -W %h:%p root@127.0.0.1'));
  if (!viaJump && !viaProxy && !destination.endsWith('@127.0.0.1')) throw new Error(`refusing to run ssh to ${destination} without the loopback jump host`);
  return new Promise((resolve, reject) => {
    const child = spawn(SSH, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ssh ${args.slice(-1)[0]} did not finish within ${deadlineMs}ms; stdout: ${stdout} stderr: ${stderr}`));
    }, deadlineMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end(stdin);
  });
}

describe('real OpenSSH through the Proxmox host (ssh -J) to CT 102', () => {
  let lab: RunningLab;
  let dir: string;
  let config: string;
  let knownHosts: string;
  let jump: string;
  let guestHostKey: string;

  /** Writes an ssh_config whose options also bind the jump hop: ssh passes -F on to the `ssh -W` it runs for -J. */
  const writeConfig = (name: string, hostsFile: string) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      [
        'Host *',
        '  BatchMode yes',
        '  StrictHostKeyChecking yes',
        `  UserKnownHostsFile ${hostsFile}`,
        '  GlobalKnownHostsFile /dev/null',
        '  IdentitiesOnly yes',
        `  IdentityFile ${lab.env.PROXMOX_VE_SSH_PRIVATE_KEY_FILE}`,
        '  ConnectTimeout 10',
        '  LogLevel ERROR',
        '',
      ].join('\n'),
    );
    return path;
  };

  const ssh = (args: string[], stdin = '', deadlineMs?: number) => runSsh(args, jump, stdin, deadlineMs);
  const onHost = (command: string, stdin = '') => ssh(['-F', config, '-p', lab.env.PROXMOX_VE_SSH_PORT, 'root@127.0.0.1', command], stdin);
  const onGuest = (command: string, stdin = '', options: { config?: string; deadlineMs?: number } = {}) =>
    ssh(['-F', options.config ?? config, '-J', jump, `root@${GUEST_IP}`, command], stdin, options.deadlineMs);

  /** The Proxmox API with the lab's token, trusting only its CA, on loopback (no agent: nothing is pooled or proxied). */
  const api = (method: string, path: string, form?: Record<string, string>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const body = form ? new URLSearchParams(form).toString() : undefined;
      const url = new URL(`api2/json${path}`, lab.env.PROXMOX_VE_ENDPOINT);
      assert.equal(url.hostname, '127.0.0.1');
      const req = request(
        url,
        {
          method,
          agent: false,
          ca: lab.proxmox.caPem,
          headers: {
            Authorization: `PVEAPIToken=${lab.env.PROXMOX_VE_API_TOKEN}`,
            ...(body ? { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk));
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text).data) : reject(new Error(`${method} ${path}: ${res.statusCode} ${res.statusMessage} ${text}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const waitForTask = async (upid: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const status = (await api('GET', `/nodes/pve/tasks/${encodeURIComponent(upid)}/status`).catch(() => undefined)) as { status: string; exitstatus?: string } | undefined;
      if (status?.status === 'stopped') return assert.equal(status.exitstatus, 'OK');
      if (Date.now() > deadline) throw new Error(`task ${upid} not stopped after 20000ms (last status: ${JSON.stringify(status)})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openssh-lab-'));
    lab = await startLab({ stateDir: dir, timingScale: 0 });
    jump = `root@127.0.0.1:${lab.env.PROXMOX_VE_SSH_PORT}`;
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${lab.env.PROXMOX_VE_SSH_PORT} ${lab.proxmox.sshHostPublicKey}\n`);
    config = writeConfig('ssh_config', knownHosts);

    // As the story does it: the API creates the CT (a token may set no feature flags on a privileged CT), root on the host adds the rest.
    const operatorKey = utils.parseKey(readFileSync(lab.env.PROXMOX_VE_SSH_PRIVATE_KEY_FILE, 'utf8'));
    if (operatorKey instanceof Error) throw operatorKey;
    const parsed = Array.isArray(operatorKey) ? operatorKey[0] : operatorKey;
    const operatorPublicKey = `${parsed.type} ${parsed.getPublicSSH().toString('base64')} operator@k3s-lab`;
    const upid = (await api('POST', '/nodes/pve/lxc', {
      vmid: '102', ostemplate: TEMPLATE, hostname: 'k3s-worker-01', cores: '4', memory: '4096', swap: '512',
      rootfs: 'local-lvm:50', net0: `name=eth0,bridge=vmbr0,ip=${GUEST_IP}/24,gw=192.168.2.1`, nameserver: '192.168.2.1',
      'ssh-public-keys': operatorPublicKey,
    })) as string;
    await waitForTask(upid);
    const host = await onHost(
      `pct set 102 --features nesting=1,keyctl=1,fuse=1 && cat >> /etc/pve/lxc/102.conf <<'EOF'\n${K3S_RAW_LINES.join('\n')}\nEOF\npct start 102 && pct exec 102 -- cat /etc/ssh/ssh_host_ed25519_key.pub`,
    );
    assert.equal(host.code, 0, host.stderr);
    guestHostKey = host.stdout.trim();
    assert.match(guestHostKey, /^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ root@k3s-worker-01$/);
    writeFileSync(knownHosts, `${GUEST_IP} ${guestHostKey}\n`, { flag: 'a' });
  });

  after(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds Ubuntu 22.04 and the resources from the CT config (os-release, nproc, free, df, hostname)', async () => {
    const osRelease = await onGuest('cat /etc/os-release');
    assert.equal(osRelease.code, 0, osRelease.stderr);
    assert.equal(osRelease.stderr, '');
    assert.match(osRelease.stdout, /^PRETTY_NAME="Ubuntu 22\.04\.5 LTS"\n(.+\n)+UBUNTU_CODENAME=jammy\n$/);
    assert.deepEqual(await onGuest('nproc'), { stdout: '4\n', stderr: '', code: 0 });
    const free = (await onGuest('free -m')).stdout.split('\n');
    assert.match(free[0], /^ {15}total {8}used {8}free {6}shared {2}buff\/cache {3}available$/);
    assert.match(free[1], /^Mem: +4096 +\d+ +\d+ +\d+ +\d+ +\d+$/);
    assert.match(free[2], /^Swap: +512 +0 +512$/);
    const df = (await onGuest('df -h /')).stdout;
    assert.match(df, /^Filesystem +Size +Used Avail Use% Mounted on\n\/dev\/mapper\/pve-vm--102--disk--0 +49G +\S+ +46G +\d+% \/\n$/);
    assert.deepEqual(await onGuest('hostname'), { stdout: 'k3s-worker-01\n', stderr: '', code: 0 });
  });

  it('shows eth0 with its static address and the Proxmox MAC prefix (ip addr)', async () => {
    const ip = await onGuest('ip addr');
    assert.equal(ip.code, 0);
    assert.match(ip.stdout, /^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n/);
    assert.match(ip.stdout, /\n2: eth0@if\d+: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n {4}link\/ether bc:24:11(:[0-9a-f]{2}){3} brd ff:ff:ff:ff:ff:ff link-netnsid 0\n {4}inet 192\.168\.2\.21\/24 brd 192\.168\.2\.255 scope global eth0\n/);
  });

  it('reaches the k3s API from inside the guest (curl -sk .../ping)', async () => {
    assert.deepEqual(await onGuest('curl -sk https://192.168.2.20:6443/ping'), { stdout: 'pong', stderr: '', code: 0 });
  });

  it('runs pipes, redirection and mkdir -p as bash -c does, in the quoting the user typed', async () => {
    assert.deepEqual(await onGuest('mkdir -p /tmp/a && echo hi | tee /tmp/a/f > /dev/null && cat /tmp/a/f'), { stdout: 'hi\n', stderr: '', code: 0 });
    assert.deepEqual(await onGuest(`echo "two  spaces" 'single $HOME' $HOME`), { stdout: 'two  spaces single $HOME /root\n', stderr: '', code: 0 });
    assert.deepEqual(await onGuest('echo out; echo err >&2; exit 3'), { stdout: 'out\n', stderr: 'err\n', code: 3 });
  });

  it('passes stdin through to the command (cat, sh -s)', async () => {
    assert.deepEqual(await onGuest('cat', 'line one\nline two\n'), { stdout: 'line one\nline two\n', stderr: '', code: 0 });
    assert.deepEqual(await onGuest('sh -s', 'echo from-stdin\nexit 4\n'), { stdout: 'from-stdin\n', stderr: '', code: 4 });
  });

  it('reports a missing file and an unknown command as bash does (exit 1 and 127, on stderr)', async () => {
    assert.deepEqual(await onGuest('cat /nope'), { stdout: '', stderr: 'cat: /nope: No such file or directory\n', code: 1 });
    assert.deepEqual(await onGuest('nope'), { stdout: '', stderr: 'bash: line 1: nope: command not found\n', code: 127 });
    assert.deepEqual(await onGuest('echo x > /nope/f'), { stdout: '', stderr: 'bash: line 1: /nope/f: No such file or directory\n', code: 1 });
  });

  it('joins the cluster with the installer on stdin, the token never on the command line; the agent is active', async () => {
    const token = readFileSync(lab.env.K3S_TOKEN_FILE, 'utf8').trim();
    const install = await onGuest('sh -s', `curl -sfL https://get.k3s.io | K3S_URL=https://192.168.2.20:6443 K3S_TOKEN=${token} sh -\n`, { deadlineMs: 60_000 });
    assert.equal(install.code, 0, install.stderr);
    assert.match(install.stdout, /^\[INFO\] {2}Finding release for channel stable\n\[INFO\] {2}Using v1\.35\.1\+k3s1 as release\n/);
    assert.match(install.stdout, /\[INFO\] {2}systemd: Starting k3s-agent\n$/);
    assert.ok(!install.stdout.includes(token) && !install.stderr.includes(token), 'the token is not echoed back');
    assert.deepEqual(await onGuest('systemctl is-active k3s-agent'), { stdout: 'active\n', stderr: '', code: 0 });
    const journal = await onGuest('journalctl -u k3s-agent --no-pager -n 5');
    assert.equal(journal.code, 0);
    const lines = journal.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 5);
    for (const line of lines) assert.match(line, /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d k3s-worker-01 \S+\[\d+\]: /);
  });

  it('refuses a password-only login: the guest offers publickey only', async () => {
    const result = await ssh(['-F', config, '-o', 'PreferredAuthentications=password', '-o', 'PasswordAuthentication=yes', '-J', jump, `root@${GUEST_IP}`, 'true']);
    assert.equal(result.code, 255);
    assert.match(result.stderr, /^root@192\.168\.2\.21: Permission denied \(publickey\)\.\r?\n$/m);
  });

  it('refuses a guest whose host key is not the one known (Host key verification failed.)', async () => {
    const other = join(dir, 'known_hosts.wrong');
    const wrongKey = `ssh-ed25519 ${Buffer.concat([Buffer.from('0000000b7373682d6564323535313900000020', 'hex'), Buffer.alloc(32, 7)]).toString('base64')}`;
    writeFileSync(other, `[127.0.0.1]:${lab.env.PROXMOX_VE_SSH_PORT} ${lab.proxmox.sshHostPublicKey}\n${GUEST_IP} ${wrongKey}\n`);
    const result = await onGuest('true', '', { config: writeConfig('ssh_config.wrong', other) });
    assert.equal(result.code, 255);
    assert.match(result.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    assert.match(result.stderr, /Host key verification failed\.\r?\n$/);
  });
});

// startLab does not hand out its guest runtime, so this scenario composes the same parts itself: the Proxmox node as
// jump host and the guest runtime behind it, where the fault hook lives.
describe('real OpenSSH after the guest\'s host keys were replaced (lab fault replaceHostKeys)', () => {
  it('refuses the changed key until known_hosts is updated, then connects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openssh-keys-'));
    const network = new VirtualNetwork();
    const timing = new LabTiming(0);
    const guests = createGuestRuntime({ network, timing });
    const operator = generateParsableKeyPair(() => utils.generateKeyPairSync('ed25519', { comment: 'operator@k3s-lab' }));
    const proxmox = await startProxmoxNode({ network, timing, runtime: guests, apiTokens: [], rootAuthorizedKeys: [operator.public] });
    try {
      const keyFile = join(dir, 'operator_ed25519');
      writeFileSync(keyFile, operator.private, { mode: 0o600 });
      const created = await guests.create({ config: workerConfig(), ostemplate: TEMPLATE, sshPublicKeys: operator.public });
      await guests.start(workerConfig(), { node: 'pve', kernel: new HostKernel() });
      const jumpHost = `root@127.0.0.1:${proxmox.sshPort}`;
      const knownHosts = join(dir, 'known_hosts');
      const trust = (guestKey: string) => writeFileSync(knownHosts, `[127.0.0.1]:${proxmox.sshPort} ${proxmox.sshHostPublicKey}\n${GUEST_IP} ${guestKey}\n`);
      const options = ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'IdentitiesOnly=yes', '-i', keyFile, '-o', 'LogLevel=ERROR'];
      // -J would not pass these options on to the jump hop; a ProxyCommand carries them explicitly.
      const proxy = `ProxyCommand=${SSH} ${options.join(' ')} -p ${proxmox.sshPort} -W %h:%p root@127.0.0.1`;
      const run = (command: string) => runSsh([...options, '-o', proxy, `root@${GUEST_IP}`, command], jumpHost);
      trust(created.hostKeys.find((key) => key.type === 'ed25519')!.publicKey);
      assert.deepEqual(await run('hostname'), { stdout: 'k3s-worker-01\n', stderr: '', code: 0 });

      const replaced = await guests.replaceHostKeys(102);
      const refused = await run('hostname');
      assert.equal(refused.code, 255);
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!/);
      assert.match(refused.stderr, new RegExp(`The fingerprint for the ED25519 key sent by the remote host is\\r?\\n${replaced[2].fingerprint.replace(/[+/]/g, '\\$&')}\\.`));
      assert.match(refused.stderr, /Host key verification failed\.\r?\n$/);

      trust(replaced.find((key) => key.type === 'ed25519')!.publicKey);
      assert.deepEqual(await run('cat /etc/ssh/ssh_host_ed25519_key.pub'), { stdout: `${replaced[2].publicKey}\n`, stderr: '', code: 0 });
    } finally {
      await guests.stopAll();
      await proxmox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
