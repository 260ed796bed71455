import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findLeaks } from '../../src/secrets/report-scan';
import { startStandaloneLab } from '../support/standalone-lab';
import { runCucumber } from './run-cucumber';

describe('the real profile, pointed at a standalone lab', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'k3s-standalone-lab-'));
  let lab: { child: ChildProcess; env: Record<string, string> };

  before(async () => {
    lab = await startStandaloneLab(outDir);
  });

  after(() => {
    if (lab.child.exitCode === null) lab.child.kill('SIGKILL');
  });

  it('writes lab.env with every variable the real profile reads', () => {
    for (const name of ['PROXMOX_VE_ENDPOINT', 'PROXMOX_VE_API_TOKEN', 'PROXMOX_VE_TLS_FINGERPRINT', 'PROXMOX_VE_SSH_PORT', 'PROXMOX_VE_SSH_PRIVATE_KEY_FILE', 'PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', 'K3S_URL', 'K3S_TOKEN_FILE', 'KUBECONFIG']) {
      assert.ok(lab.env[name], `${name} in lab.env`);
    }
    assert.match(lab.env.PROXMOX_VE_ENDPOINT, /^https:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('runs add-worker.feature with --profile real and leaks no secret into its reports', { timeout: 5 * 60_000 }, async (t) => {
    const run = await runCucumber(['--profile', 'real', 'features/add-worker.feature'], lab.env, t.signal);
    assert.equal(run.exitCode, 0, run.output);
    assert.match(run.output, /3 scenarios \(3 passed\)/);
    const secrets = [
      lab.env.PROXMOX_VE_API_TOKEN.split('=')[1],
      readFileSync(lab.env.K3S_TOKEN_FILE, 'utf8').trim(),
      ...readFileSync(lab.env.PROXMOX_VE_SSH_PRIVATE_KEY_FILE, 'utf8').split('\n').filter((line) => line.length > 20 && !line.startsWith('-----')),
    ];
    assert.deepEqual(findLeaks(run.reportsDir, secrets), [], 'secrets in the reports');
    for (const secret of secrets) assert.ok(!run.output.includes(secret), 'a secret appears on the console');
  });

  it('runs the read-only nightly with KUBECONFIG alone; a build without the Proxmox variables and the token is refused naming each', { timeout: 5 * 60_000 }, async (t) => {
    const kubeconfigOnly = { ...Object.fromEntries(Object.keys(lab.env).map((name) => [name, ''])), KUBECONFIG: lab.env.KUBECONFIG };
    const nightly = await runCucumber(['--profile', 'nightly', '--profile', 'real'], kubeconfigOnly, t.signal);
    assert.equal(nightly.exitCode, 0, nightly.output);
    assert.match(nightly.output, /6 scenarios \(6 passed\)/);
    const build = await runCucumber(['--profile', 'real', 'features/add-worker.feature'], kubeconfigOnly, t.signal);
    assert.equal(build.exitCode, 1, build.output);
    assert.match(build.output, /5 input problems; nothing was created/);
    for (const name of ['PROXMOX_VE_ENDPOINT', 'PROXMOX_VE_API_TOKEN', 'PROXMOX_VE_SSH_PRIVATE_KEY', 'PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT', 'K3S_TOKEN']) {
      assert.match(build.output, new RegExp(`- ${name}: is not set`));
    }
  });

  it('reports every missing variable at once, before anything is created', { timeout: 5 * 60_000 }, async (t) => {
    const run = await runCucumber(['--profile', 'real', 'features/add-worker.feature'], { PROXMOX_VE_ENDPOINT: '', PROXMOX_VE_API_TOKEN: '', K3S_TOKEN_FILE: '', KUBECONFIG: '', PROXMOX_VE_SSH_PRIVATE_KEY_FILE: '', PROXMOX_VE_SSH_HOST_KEY_FINGERPRINT: '' }, t.signal);
    assert.notEqual(run.exitCode, 0);
    assert.match(run.output, /6 input problems; nothing was created/);
    assert.match(run.output, /PROXMOX_VE_API_TOKEN: is not set/);
  });

  it('stops cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => lab.child.once('exit', (code) => resolve(code)));
    lab.child.kill('SIGINT');
    assert.equal(await exited, 0);
  });
});
