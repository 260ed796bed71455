import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootWorker, newLab, type Lab } from './guest-fixture';

// What `bash -c '<command>'` (sshd's way of running an exec request) and coreutils print on a real Ubuntu 22.04.
describe('guest shell error text (bash 5.1 -c, coreutils, dash-free)', () => {
  let lab: Lab;
  const sh = (command: string, stdin?: string) => lab.runtime.exec(102, command, { stdin });

  before(async () => {
    lab = newLab();
    await bootWorker(lab);
  });
  after(() => lab.runtime.stopAll());

  it('names the line of a command that is not found, exit 127', async () => {
    assert.deepEqual(await sh('nope'), { stdout: '', stderr: 'bash: line 1: nope: command not found\n', exitCode: 127 });
    assert.deepEqual(await sh('true\nnope --x'), { stdout: '', stderr: 'bash: line 2: nope: command not found\n', exitCode: 127 });
    assert.deepEqual(await sh('bash -s', 'echo a\nnope\n'), { stdout: 'a\n', stderr: 'bash: line 2: nope: command not found\n', exitCode: 127 });
  });

  it('fails a redirection into a missing directory instead of creating it', async () => {
    assert.deepEqual(await sh('echo x > /nope/f'), { stdout: '', stderr: 'bash: line 1: /nope/f: No such file or directory\n', exitCode: 1 });
    assert.deepEqual(await sh('echo x >> /etc'), { stdout: '', stderr: 'bash: line 1: /etc: Is a directory\n', exitCode: 1 });
    assert.equal((await sh('ls -d /nope')).exitCode, 2);
  });

  it('lets tee fail on its file while still copying to stdout', async () => {
    assert.deepEqual(await sh('echo hi | tee /nope/f'), { stdout: 'hi\n', stderr: 'tee: /nope/f: No such file or directory\n', exitCode: 1 });
  });

  it('says "Is a directory" for cat on a directory and "No such file" for a missing one, exit 1', async () => {
    assert.deepEqual(await sh('cat /etc'), { stdout: '', stderr: 'cat: /etc: Is a directory\n', exitCode: 1 });
    assert.deepEqual(await sh('cat /nope'), { stdout: '', stderr: 'cat: /nope: No such file or directory\n', exitCode: 1 });
  });

  it('prefixes a failed cd with the line', async () => {
    assert.deepEqual(await sh('cd /nope'), { stdout: '', stderr: 'bash: line 1: cd: /nope: No such file or directory\n', exitCode: 1 });
  });
});
