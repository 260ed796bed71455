import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { HostKernel } from '../../../lab/contracts/host-kernel';
import { startK3sServer, type RunningK3sServer } from '../../../lab/k3s';
import { lxcPrerequisites, lxcValue } from '../../../lab/guest/lxc-prerequisites';
import { destroyWorker, K3S_LXC_LINES, newLab, UBUNTU_2204, workerConfig, type Lab } from './guest-fixture';

/** The story's five lines, verbatim and in its order (no quotes, the optional kmsg bind). */
const STORY_LINES: Array<[string, string]> = [
  ['lxc.apparmor.profile', 'unconfined'],
  ['lxc.cgroup2.devices.allow', 'a'],
  ['lxc.cap.drop', ''],
  ['lxc.mount.auto', 'proc:rw sys:rw'],
  ['lxc.mount.entry', '/dev/kmsg dev/kmsg none bind,rw,optional,create=file'],
];
const rawWith = (mountAuto?: string) => K3S_LXC_LINES.filter(([key]) => key !== 'lxc.mount.auto').concat(mountAuto === undefined ? [] : [['lxc.mount.auto', mountAuto]]);

describe('the raw LXC lines as LXC reads them (src/lxc/confile.c parse_line, set_config_mount_auto)', () => {
  it('strips one pair of matching quotes from a value, and only a matching pair', () => {
    assert.equal(lxcValue('"proc:rw sys:rw"'), 'proc:rw sys:rw');
    assert.equal(lxcValue("'proc:rw sys:rw'"), 'proc:rw sys:rw');
    assert.equal(lxcValue('"proc:rw sys:rw'), '"proc:rw sys:rw');
    assert.equal(lxcValue(' proc:rw sys:rw '), 'proc:rw sys:rw');
  });

  it('judges lxc.mount.auto with or without quotes alike, and the story\'s kmsg entry like the guides\' one', () => {
    const story = lxcPrerequisites(workerConfig({ rawLxc: STORY_LINES }));
    const guides = lxcPrerequisites(workerConfig({ rawLxc: K3S_LXC_LINES }));
    assert.deepEqual(story, guides);
    assert.deepEqual([story.procSysWritable, story.kmsg, story.capDropCleared, story.configError], [true, true, true, undefined]);
  });

  it('refuses a lone quote: `"proc:rw` is not an automount LXC knows, so the container does not start', () => {
    assert.equal(lxcPrerequisites(workerConfig({ rawLxc: rawWith('"proc:rw sys:rw') })).configError, 'Invalid filesystem to automount ""proc:rw"');
  });

  it('keeps PVE\'s proc:mixed (/proc/sys read-only) without the line, and lets a later line override an earlier one per kind', () => {
    assert.equal(lxcPrerequisites(workerConfig({ rawLxc: rawWith() })).proc, 'mixed');
    assert.equal(lxcPrerequisites(workerConfig({ rawLxc: [...rawWith('proc:rw sys:rw'), ['lxc.mount.auto', 'proc:mixed']] })).procSysWritable, false);
    assert.equal(lxcPrerequisites(workerConfig({ rawLxc: [...rawWith('proc:mixed'), ['lxc.mount.auto', 'sys:rw']] })).proc, 'mixed');
  });
});

describe('what the kubelet does to the node\'s kernel (container_manager_linux.go setupKernelTunables)', () => {
  let lab: Lab;
  let k3s: RunningK3sServer;
  let kernel: HostKernel;
  before(async () => {
    lab = newLab();
    k3s = await startK3sServer({ network: lab.network, timing: lab.timing });
  });
  afterEach(() => destroyWorker(lab, k3s));
  after(() => k3s.stop());

  async function boot(rawLxc: Array<[string, string]>, unprivileged = false): Promise<void> {
    kernel = new HostKernel();
    const config = workerConfig({ rawLxc, unprivileged });
    await lab.runtime.create({ config, ostemplate: UBUNTU_2204, sshPublicKeys: lab.clientKey.public });
    await lab.runtime.start(config, { node: 'pve', kernel });
  }
  const install = () => lab.runtime.exec(102, `curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION=v1.34.3+k3s1 K3S_URL=${k3s.url} K3S_TOKEN=${k3s.token} sh -`);
  const journal = async () => (await lab.runtime.exec(102, 'journalctl -u k3s-agent --no-pager')).stdout;

  it('sets the node\'s kernel.panic, kernel.panic_on_oops and vm.overcommit_memory from a privileged container with the story\'s lines', async () => {
    await boot(STORY_LINES);
    assert.equal((await install()).exitCode, 0);
    assert.deepEqual(['kernel.panic', 'kernel.panic_on_oops', 'vm.overcommit_memory', 'vm.panic_on_oom'].map((name) => kernel.read(name)), ['10', '1', '1', '0']);
    assert.equal((await lab.runtime.exec(102, 'sysctl kernel.panic_on_oops')).stdout, 'kernel.panic_on_oops = 1\n');
  });

  it('fails the kubelet where /proc/sys is read-only: "Failed to start ContainerManager" with each write\'s error, k3s exits', async () => {
    await boot(rawWith());
    const result = await install();
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /Job for k3s-agent\.service failed/);
    assert.match(await journal(), /kubelet\.go:\d+\] "Failed to start ContainerManager" err="\[open \/proc\/sys\/vm\/overcommit_memory: read-only file system, open \/proc\/sys\/kernel\/panic: read-only file system, open \/proc\/sys\/kernel\/panic_on_oops: read-only file system\]"/);
    assert.equal(kernel.read('kernel.panic'), '0');
    assert.equal((await lab.runtime.exec(102, 'sysctl -w kernel.panic=10')).stderr, "sysctl: permission denied on key 'kernel.panic'\n");
  });

  it('is refused in an unprivileged container even with proc:rw, with the kubelet\'s user-namespace hint per flag', async () => {
    await boot(K3S_LXC_LINES, true);
    assert.equal((await install()).exitCode, 1);
    const lines = await journal();
    assert.match(lines, /"Updating kernel flag failed \(Hint: enable KubeletInUserNamespace feature flag to ignore the error\)" err="open \/proc\/sys\/kernel\/panic: permission denied" flag="kernel\/panic"/);
    assert.match(lines, /"Failed to start ContainerManager" err="\[open \/proc\/sys\/vm\/overcommit_memory: permission denied, /);
  });

  it('needs no write where the node already has the kubelet\'s values, so a read-only /proc/sys then passes', async () => {
    await boot(rawWith());
    for (const [name, value] of [['vm.overcommit_memory', '1'], ['kernel.panic', '10'], ['kernel.panic_on_oops', '1']]) kernel.write(name, value);
    assert.equal((await install()).exitCode, 0);
  });

  it('does not start a container whose lxc.mount.auto LXC cannot parse (TASK ERROR: startup for container failed)', async () => {
    const config = workerConfig({ rawLxc: rawWith('"proc:rw sys:rw') });
    await lab.runtime.create({ config, ostemplate: UBUNTU_2204, sshPublicKeys: lab.clientKey.public });
    await assert.rejects(lab.runtime.start(config, { node: 'pve', kernel: new HostKernel() }), (error: Error & { lxcLog?: string[] }) => {
      assert.equal(error.message, "startup for container '102' failed");
      assert.match(error.lxcLog![0], /ERROR {4}confile - \.\.\/src\/lxc\/confile\.c:set_config_mount_auto:\d+ - Invalid argument - Invalid filesystem to automount ""proc:rw"$/);
      return true;
    });
    assert.equal(lab.runtime.isRunning(102), false);
  });
});
