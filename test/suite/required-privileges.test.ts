import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTokenPrivileges } from '../../src/preflight/token-privileges';
import { requiredPrivileges, type RequiredPrivilege } from '../../src/preflight/required-privileges';
import { destroyContainer } from '../../src/proxmox/destroy-container';
import { discardEvidence } from '../../src/report/evidence';
import { readCapacity } from '../../src/provisioning/host-capacity';
import { provisionContainer } from '../../src/provisioning/provision-container';
import { Target } from '../../src/target/target';
import { ProxmoxNodeClient } from '../../src/proxmox/proxmox-node-client';
import type { WorkerSpec } from '../../src/spec/worker-spec';
import { workContext } from '../support/open-target';
import { storySpec, useLabTarget } from '../support/lab-target';

function specFor(vmid: number): WorkerSpec {
  return storySpec({ vmid: String(vmid), hostname: `least-${vmid}`, cores: '1', memory: '1GB', disk: '8GB', address: `192.168.2.${vmid - 60}/24` });
}

/** The ACL entries that grant exactly the required privileges (the first of each choice), less the one left out. */
function grantsFor(required: RequiredPrivilege[], leftOut?: RequiredPrivilege) {
  return required.filter((need) => need !== leftOut).map((need) => ({ path: need.path, privileges: [need.privileges[0]] }));
}

describe('the privileges the run needs, against the lab\'s PVE 8 checks', () => {
  // What a refused run leaves (a CT whose start was refused) goes with the lab.
  const env = useLabTarget();

  /** The lab's target, acting through a new token that holds `acl`. */
  function withToken(name: string, acl: Array<{ path: string; privileges: string[] }>): Target {
    const tokenId = `root@pam!${name}`;
    const tokenSecret = '0e1d2c3b-4a59-4687-8776-655443322110';
    env.lab.proxmox.addApiToken({ tokenId, secret: tokenSecret, privileges: acl });
    const { build } = env.target;
    const { proxmox } = build;
    const client = new ProxmoxNodeClient({ endpoint: proxmox.endpoint, tokenId, tokenSecret, fingerprint: proxmox.tlsFingerprint, caPem: proxmox.caPem }, env.target.proxmox.node);
    const config = { ...env.target.config, build: { ...build, proxmox: { ...proxmox, tokenId, tokenSecret } } };
    return new Target(config, { api: client, host: env.target.proxmoxHost }, env.target.cluster, 'lab', env.target.services);
  }

  it('are enough: a token holding just them passes the check, then creates, starts, stops and destroys the worker', async () => {
    const spec = specFor(140);
    const target = withToken('exactly', grantsFor(requiredPrivileges(spec, 8, 'pve')));
    assert.deepEqual(await checkTokenPrivileges(target, spec, 'pve'), []);
    await provisionContainer(workContext(target), spec);
    assert.equal((await target.proxmox.containerStatus(spec.vmid))?.status, 'running');
    await destroyContainer(target.proxmox, spec.vmid, true, target.services.waits, discardEvidence);
    // The destroy also removed the token's entries on /vms/140 (pve-access-control remove_vm_access): it may no
    // longer even ask, so the lab's own token checks that the CT is gone.
    assert.equal(await env.target.proxmox.containerStatus(spec.vmid), undefined);
  });

  // Each one left out: the preflight names it, and the run without the preflight meets Proxmox's 403 for it.
  const base = specFor(141);
  requiredPrivileges(base, 8, 'pve').forEach((need, i) => {
    it(`are each needed: without ${need.privileges.join(' or ')} on ${need.path.replace('141', 'VMID')} the check names it and the run is refused`, async () => {
      const spec = specFor(141 + i);
      const required = requiredPrivileges(spec, 8, 'pve');
      const target = withToken(`without-${i}`, grantsFor(required, required[i]));
      const problems = await checkTokenPrivileges(target, spec, 'pve');
      assert.equal(problems.length, 1);
      assert.equal(problems[0].input, 'PROXMOX_VE_API_TOKEN');
      assert.match(problems[0].problem, new RegExp(`lacks ${required[i].privileges.join(' or ')} on ${required[i].path} \\(to [^)]+\\)$`));
      // A grant on /vms/<vmid> would not outlive the first cleanup (remove_vm_access): the fix grants on /vms.
      const lasting = required[i].path.replace(/^\/vms\/\d+$/, '/vms');
      assert.ok(problems[0].fix.includes(`pveum acl modify ${lasting} --tokens 'root@pam!without-${i}' --roles ${required[i].role}`), problems[0].fix);
      if (required[i].privileges[0] === 'Sys.Audit') {
        // Without it Proxmox refuses nothing: GET /nodes just leaves the figures out, so the capacity check would have
        // nothing to compare. That is why it is required, and what the check says instead of comparing NaN.
        const reading = await readCapacity(target.node('pve'), spec);
        assert.match(reading.shortfalls.map((shortfall) => shortfall.text).join('\n'), /node pve's free cores and memory cannot be read: GET \/nodes leaves them out for a token without Sys\.Audit on \/nodes\/pve/);
        return;
      }
      const run = async () => {
        await provisionContainer(workContext(target), spec);
        await destroyContainer(target.proxmox, spec.vmid, true, target.services.waits, discardEvidence);
      };
      await assert.rejects(run, (error: Error) => {
        assert.ok(error.message.includes(`403 Permission check failed (${required[i].path}, ${required[i].privileges.join('|')})`), error.message);
        return true;
      });
    });
  });

  it('adds Sys.Modify on / for the privileged container on PVE 9 only (pve-container 6.0)', () => {
    const onPve9 = requiredPrivileges(base, 9, 'pve').filter((need) => !requiredPrivileges(base, 8, 'pve').some((other) => other.path === need.path && other.privileges[0] === need.privileges[0]));
    assert.deepEqual(onPve9.map((need) => [need.path, need.privileges]), [['/', ['Sys.Modify']]]);
  });
});
