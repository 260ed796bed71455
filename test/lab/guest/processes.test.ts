import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client, ClientChannel } from 'ssh2';
import { startK3sServer, type RunningK3sServer } from '../../../lab/k3s';
import { bootWorker, eventually, newLab, run, sshTo, type Lab } from './guest-fixture';

/** Starts `command` over SSH (optionally with a pty) and hands back the channel, its exit status once sent, and its close. */
function start(ssh: Client, command: string, pty = false): Promise<{ channel: ClientChannel; exit: Promise<number>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    ssh.exec(command, pty ? { pty: true } : {}, (error, channel) => {
      if (error) return reject(error);
      channel.resume();
      channel.stderr.resume();
      const exit = new Promise<number>((settle) => channel.on('exit', settle));
      const closed = new Promise<void>((settle) => channel.on('close', () => settle()));
      resolve({ channel, exit, closed });
    });
  });
}

describe('processes and the SSH channel as OpenSSH, procps-ng and util-linux have them', () => {
  let lab: Lab;
  let k3s: RunningK3sServer;
  let fingerprints: string[];
  let ssh: Client;
  const sh = (command: string) => lab.runtime.exec(102, command);
  const journal = async () => (await sh('journalctl -u k3s-agent --no-pager')).stdout;
  // A wrong token makes the installer hang at `systemctl restart k3s-agent`, as a real one does; FORCE_RESTART makes
  // a rerun with unchanged files restart too (install.sh skips the start when nothing changed).
  const wrongToken = () => `INSTALL_K3S_FORCE_RESTART=true K3S_URL=${k3s.url} K3S_TOKEN=${k3s.token.replace(/:[^:]+$/, ':wrong')}`;
  const hungInstall = () => `${wrongToken()} sh /tmp/install.sh`;
  const installerRuns = async () => (await sh('pgrep -f /tmp/install.sh')).exitCode === 0;
  /** Resolves once the installer has reached `systemctl restart k3s-agent` (systemd starts the unit once more). */
  const reachedRestart = async () => {
    const starts = async () => (await journal()).split('Starting Lightweight Kubernetes...').length;
    const before = await starts();
    return () => eventually('installer at systemctl restart', async () => ((await starts()) > before) || undefined);
  };

  before(async () => {
    lab = newLab();
    k3s = await startK3sServer({ network: lab.network, timing: lab.timing });
    fingerprints = await bootWorker(lab);
    ssh = await sshTo(lab, '192.168.2.21', { privateKey: lab.clientKey.private }, fingerprints);
    assert.equal((await sh('curl -fsSL https://get.k3s.io -o /tmp/install.sh')).exitCode, 0);
  });
  after(async () => {
    ssh.end();
    await lab.runtime.stopAll();
    await k3s.stop();
  });

  it('prints ps -eo pid,pgid,stat,args as procps-ng 3.3.17 does: 7-wide ids, s for session leaders, ps itself R', async () => {
    const [header, ...rows] = (await run(ssh, 'ps -eo pid,pgid,stat,args')).stdout.trimEnd().split('\n');
    assert.equal(header, '    PID    PGID STAT COMMAND');
    assert.equal(rows[0], '      1       1 Ss   /sbin/init');
    assert.ok(rows.some((row) => /^ {4}124 {5}124 Ss {3}sshd: \/usr\/sbin\/sshd -D \[listener\] 0 of 10-100 startups$/.test(row)), rows.join('\n'));
    assert.match(rows.at(-1)!, /^ +(\d+) +\1 Rs +ps -eo pid,pgid,stat,args$/);
    assert.match((await run(ssh, 'ps -ef')).stdout, /^UID {10}PID {4}PPID {2}C STIME TTY {10}TIME CMD\nroot {11}1 {7}0 {2}0 \d\d:\d\d \? {8}00:00:00 \/sbin\/init\n/);
  });

  it('gives every shell its own pid for $$ and PID files; a child shell is in its parent\'s process group', async () => {
    const result = await run(ssh, 'echo $$ > /tmp/outer.pid; sh -c \'echo $$ > /tmp/inner.pid; ps -o pgid= -p $$\'; cat /tmp/outer.pid /tmp/inner.pid');
    const [group, outer, inner] = result.stdout.trim().split(/\s+/).map(Number);
    assert.notEqual(outer, inner);
    assert.equal(group, outer);
  });

  it('keeps a command running after its channel closes when no pty was requested (session.c session_close_by_channel), until its group is killed', async () => {
    const started = await start(ssh, `${wrongToken()} setsid -w sh -c 'echo $$ > /run/k3s-install.pid; exec sh /tmp/install.sh'`);
    await eventually('the agent refused with 401', async () => (await journal()).includes('401 Unauthorized') || undefined);
    started.channel.close();
    await started.closed;
    assert.equal(await installerRuns(), true);
    const pgid = (await sh('cat /run/k3s-install.pid')).stdout.trim();
    const ps = (await sh('ps -eo pid,pgid,stat,args')).stdout;
    assert.match(ps, new RegExp(`^ +${pgid} +${pgid} Ss +sh -c echo \\$\\$ > /run/k3s-install\\.pid; exec sh /tmp/install\\.sh$`, 'm'));
    assert.match(ps, new RegExp(`^ +\\d+ +${pgid} S +sh /tmp/install\\.sh$`, 'm'));

    assert.deepEqual(await sh(`kill -TERM -- -${pgid}`), { stdout: '', stderr: '', exitCode: 0 });
    assert.equal(await installerRuns(), false);
    // The installer's `systemctl restart` job is systemd's: the unit goes on retrying, as it would for real.
    assert.equal((await sh('systemctl is-active k3s-agent')).stdout, 'activating\n');
    assert.equal((await sh(`kill -TERM -- -${pgid}`)).stderr, `bash: line 1: kill: (-${pgid}) - No such process\n`);
    await sh('systemctl stop k3s-agent');
  });

  it('hangs up a pty session when its channel closes: SIGHUP ends the command, but not what setsid moved out of the session', async () => {
    const inSessionRestarting = await reachedRestart();
    const inSession = await start(ssh, hungInstall(), true);
    await inSessionRestarting();
    inSession.channel.close();
    await inSession.closed;
    await eventually('installer gone after SIGHUP', async () => !(await installerRuns()) || undefined);

    const restarting = await reachedRestart();
    const detached = await start(ssh, `${wrongToken()} setsid -w sh /tmp/install.sh`, true);
    // Closed before its last [INFO] line, it would die of SIGPIPE instead (its output is still the channel).
    await restarting();
    detached.channel.close();
    await detached.closed;
    assert.equal(await installerRuns(), true);
    assert.equal((await sh('pkill -f /tmp/install.sh')).exitCode, 0);
    assert.equal(await installerRuns(), false);
    await sh('systemctl stop k3s-agent');
  });

  it('forks when setsid is the whole command (bash execs it, so it leads a process group): exit 0 at once, the channel open until the program ends', async () => {
    const restarting = await reachedRestart();
    const started = await start(ssh, `${wrongToken()} setsid sh /tmp/install.sh`);
    assert.equal(await started.exit, 0);
    await restarting();
    assert.equal(await installerRuns(), true);
    let closed = false;
    void started.closed.then(() => (closed = true));
    assert.equal(closed, false);
    assert.equal((await sh('pkill -TERM -f /tmp/install.sh')).exitCode, 0);
    await started.closed;
    await sh('systemctl stop k3s-agent');
  });

  it('lets pgrep -f match the shell that runs it inside a compound command, but not itself as the whole command', async () => {
    assert.deepEqual(await run(ssh, 'pgrep -f no-such-program'), { stdout: '', stderr: '', code: 1 });
    const compound = await run(ssh, 'echo $$; pgrep -f no-such-program');
    const [shell, matched] = compound.stdout.trim().split('\n');
    assert.equal(matched, shell);
  });

  it("words kill's failures as bash 5.1's builtin does", async () => {
    assert.deepEqual(await run(ssh, 'kill'), { stdout: '', stderr: 'bash: line 1: kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n', code: 2 });
    assert.deepEqual(await run(ssh, 'kill -FOO 1'), { stdout: '', stderr: 'bash: line 1: kill: FOO: invalid signal specification\n', code: 1 });
    assert.deepEqual(await run(ssh, 'kill -0 999999'), { stdout: '', stderr: 'bash: line 1: kill: (999999) - No such process\n', code: 1 });
    assert.equal((await run(ssh, 'kill -0 1')).code, 0);
  });

  it('reports a killed service main process as systemd does and restarts it (Restart=always)', async () => {
    const install = await sh(`K3S_URL=${k3s.url} K3S_TOKEN=${k3s.token} sh /tmp/install.sh`);
    assert.equal(install.exitCode, 0, install.stderr);
    const k3sLine = (await sh('ps -eo pid,ppid,stat,args')).stdout.split('\n').find((line) => line.endsWith('/usr/local/bin/k3s agent'))!;
    assert.match(k3sLine, /^ +\d+ +1 Ssl +\/usr\/local\/bin\/k3s agent$/);
    const pid = k3sLine.trim().split(/\s+/)[0];
    assert.equal((await sh(`kill ${pid}`)).exitCode, 0);
    await eventually('restarted', async () => (await journal()).includes('k3s-agent.service: Scheduled restart job') || undefined);
    assert.match(await journal(), /k3s-agent\.service: Main process exited, code=killed, status=15\/TERM\n.*k3s-agent\.service: Failed with result 'signal'\./);
  });
});
