import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bootWorker, newLab, type Lab } from './guest-fixture';

// What curl 7.81 (Ubuntu 22.04) and sh do with the installer's download, read from curl's lib/ and src/tool_*.c.
describe('curl in the guest and the install script it fetches (curl 7.81)', () => {
  let lab: Lab;
  const sh = (command: string) => lab.runtime.exec(102, command);
  before(async () => {
    lab = newLab();
    await bootWorker(lab);
  });
  after(() => lab.runtime.stopAll());

  it('lets `curl ... | sh -` exit 0 when curl fails: sh reads an empty script and nothing is installed', async () => {
    assert.deepEqual(await sh('curl -sfL https://get.k3s.invalid | K3S_URL=https://192.168.2.20:6443 K3S_TOKEN=x sh -'), { stdout: '', stderr: '', exitCode: 0 });
    assert.equal((await sh('test -e /usr/local/bin/k3s')).exitCode, 1);
    // bash's pipefail is what makes the pipeline carry curl's status (6, lib/hostip.c "Could not resolve host").
    assert.equal((await sh('set -o pipefail; curl -sfL https://get.k3s.invalid | sh -')).exitCode, 6);
  });

  it('says why only when asked: -s hides the error, -sS and no option print "curl: (6) Could not resolve host: ..."', async () => {
    assert.deepEqual(await sh('curl -s https://get.k3s.invalid'), { stdout: '', stderr: '', exitCode: 6 });
    assert.deepEqual(await sh('curl -sS https://get.k3s.invalid'), { stdout: '', stderr: 'curl: (6) Could not resolve host: get.k3s.invalid\n', exitCode: 6 });
    assert.equal((await sh('curl https://get.k3s.invalid')).stderr, 'curl: (6) Could not resolve host: get.k3s.invalid\n');
  });

  it('fetches the installer to a file with -fsSL -o and runs it with sh FILE, its variables on the command line', async () => {
    assert.deepEqual(await sh('curl -fsSL https://get.k3s.io -o /tmp/install.sh'), { stdout: '', stderr: '', exitCode: 0 });
    assert.match((await sh('head -1 /tmp/install.sh')).stdout, /^#!\/bin\/sh\n$/);
    const run = await sh('K3S_URL=https://192.168.2.20:6443 sh /tmp/install.sh');
    assert.deepEqual(run, { stdout: '', stderr: "[ERROR]  Defaulted k3s exec command to 'agent' because K3S_URL is defined, but K3S_TOKEN or K3S_TOKEN_FILE is not defined.\n", exitCode: 1 });
    assert.equal((await sh('chmod 755 /tmp/install.sh && K3S_URL=http://x K3S_TOKEN=y /tmp/install.sh')).stderr, '[ERROR]  Only https:// URLs are supported for K3S_URL (have http://x)\n');
  });

  it('fails a 404 with -f as (22) "The requested URL returned error: 404" and creates no file', async () => {
    const result = await sh('curl -fsSL -o /tmp/missing https://get.k3s.io/nope');
    assert.deepEqual(result, { stdout: '', stderr: 'curl: (22) The requested URL returned error: 404\n', exitCode: 22 });
    assert.equal((await sh('test -e /tmp/missing')).exitCode, 1);
    // Without -f the 404 page is the download and curl exits 0.
    assert.equal((await sh('curl -sS -o /tmp/page https://get.k3s.io/nope')).exitCode, 0);
  });

  it('prints -w variables after the transfer, also after a failure (http_code 000, exitcode, errormsg)', async () => {
    assert.equal((await sh("curl -sS -o /dev/null -w '%{http_code} %{size_download} %{url_effective}\\n' https://get.k3s.io")).stdout, `200 ${(await sh('wc -c < /tmp/install.sh')).stdout.trim()} https://get.k3s.io/\n`);
    const failed = await sh("curl -s -o /dev/null -w '%{http_code} %{exitcode} %{errormsg}' https://get.k3s.invalid/x");
    assert.deepEqual(failed, { stdout: '000 6 Could not resolve host: get.k3s.invalid', stderr: '', exitCode: 6 });
  });

  it('fails writing into a missing directory with (23), warning about the file unless -s (tool_cb_wrt.c)', async () => {
    assert.deepEqual(await sh('curl -sS -o /nope/install.sh https://get.k3s.io'), { stdout: '', stderr: 'curl: (23) Failure writing output to destination\n', exitCode: 23 });
    assert.equal((await sh('curl -o /nope/install.sh https://get.k3s.io')).stderr, 'Warning: Failed to create the file /nope/install.sh: No such file or directory\ncurl: (23) Failure writing output to destination\n');
    assert.equal((await sh('curl -sS --create-dirs -o /opt/k3s/install.sh https://get.k3s.io && test -s /opt/k3s/install.sh')).exitCode, 0);
  });

  it('refuses an unknown option with exit 2 and curl\'s hint', async () => {
    assert.deepEqual(await sh('curl --bogus https://get.k3s.io'), { stdout: '', stderr: "curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n", exitCode: 2 });
  });
});
