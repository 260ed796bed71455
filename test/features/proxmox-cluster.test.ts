import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunningLab } from '../../lab';
import { openTarget, workContext } from '../support/open-target';
import { removeWorkerTheK3sWay } from '../../src/provisioning/remove-worker';
import { storyOnLab as story, withLab } from '../support/lab-runs';
import { storySpec } from '../support/story-spec';
import { runCucumber } from './run-cucumber';

const RUN_TIMEOUT = { timeout: 10 * 60_000 };
const GiB = 1024 ** 3;


/** The node /cluster/resources puts a guest on (the lab's vmlist, as pmxcfs shares it). */
async function nodeOfGuest(lab: RunningLab, vmid: number): Promise<string | undefined> {
  const target = await openTarget(lab.env, 'real');
  try {
    return (await target.proxmox.locate(vmid))?.node;
  } finally {
    target.close();
  }
}

/** As an operator clears the way for the next rehearsal: the worker removed the k3s way. */
async function removeWorker(lab: RunningLab): Promise<void> {
  const target = await openTarget(lab.env, 'real');
  try {
    await removeWorkerTheK3sWay(workContext(target), storySpec());
  } finally {
    target.close();
  }
}

/** A command on a node's root shell, through the lab's own SSH. */
async function rootShell(lab: RunningLab, command: string): Promise<{ stdout: string; exitCode: number }> {
  const target = await openTarget(lab.env, 'real');
  try {
    return await target.proxmoxHost.exec(command);
  } finally {
    target.close();
  }
}

describe('Proxmox as operators run it: a cluster of nodes and a least-privilege token', () => {
  it('on three nodes in no stable order, the story passes five times, each on a node that has the room (the report says which)', RUN_TIMEOUT, async (t) => {
    // pve3 has too little memory for the 8 GiB worker; pve1 has the most free, pve2 fits too.
    await withLab({ pveNodes: 3 }, async (lab) => {
      for (let round = 1; round <= 5; round++) {
        const run = await story(lab, {}, t.signal);
        assert.equal(run.exitCode, 0, `round ${round}:\n${run.output}`);
        const node = await nodeOfGuest(lab, 102);
        const messages = readFileSync(join(run.reportsDir, 'cucumber-messages.ndjson'), 'utf8');
        assert.match(messages, new RegExp(`building CT 102 on node ${node}: it has all the worker needs`), `round ${round}`);
        assert.match(messages, /pve3: \d+ MiB memory free, the worker asks for 8192 MiB/, 'why pve3 was not chosen');
        assert.equal(node, 'pve1', 'the most free memory of the nodes that fit');
        await removeWorker(lab);
      }
    });
    // With pve1 full, the suite takes pve2.
    await withLab({ pveNodes: 3, pveNodeCapacity: new Map([['pve1', { cpus: 16, freeMemoryBytes: 2 * GiB }]]) }, async (lab) => {
      const run = await story(lab, {}, t.signal);
      assert.equal(run.exitCode, 0, run.output);
      assert.equal(await nodeOfGuest(lab, 102), 'pve2');
    });
  });

  it('with PROXMOX_VE_NODE=pve2 the container is on pve2; a node whose SSH answers as another host is refused before any root command', RUN_TIMEOUT, async (t) => {
    await withLab({ pveNodes: 3 }, async (lab) => {
      const onPve2 = await story(lab, { PROXMOX_VE_NODE: 'pve2' }, t.signal);
      assert.equal(onPve2.exitCode, 0, onPve2.output);
      assert.equal(await nodeOfGuest(lab, 102), 'pve2');
      await removeWorker(lab);
      // pve3's variables point at pve1's sshd: the run must notice before it runs pct there.
      const misrouted = {
        PROXMOX_VE_NODE: 'pve3',
        PROXMOX_VE_SSH_NODE_PVE3_ADDRESS: lab.env.PROXMOX_VE_SSH_NODE_PVE1_ADDRESS,
        PROXMOX_VE_SSH_NODE_PVE3_PORT: lab.env.PROXMOX_VE_SSH_NODE_PVE1_PORT,
        PROXMOX_VE_SSH_NODE_PVE3_HOST_KEY_FINGERPRINT: lab.env.PROXMOX_VE_SSH_NODE_PVE1_HOST_KEY_FINGERPRINT,
      };
      const writes = lab.proxmox.writeCount();
      const refused = await story(lab, misrouted, t.signal);
      assert.notEqual(refused.exitCode, 0);
      assert.match(refused.output, /PROXMOX_VE_SSH_NODE_PVE3_ADDRESS "127\.0\.0\.1:\d+": reaches the Proxmox host "pve1", not node pve3, where the run works; no root command was run there/);
      assert.equal(lab.proxmox.writeCount(), writes, 'nothing was written anywhere');
    });
  });

  it('a token made with the README\'s pveum lines passes; without Sys.Audit the preflight names it, and its printed fix, pasted into the root shell, makes the next run pass, also after a cleanup destroyed a container', RUN_TIMEOUT, async (t) => {
    await withLab({}, async (lab) => {
      const readme = readFileSync('README.md', 'utf8');
      const lines = /### A least-privilege token[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1].trim().split('\n');
      const [tokenLine, ...grants] = lines;
      const added = await rootShell(lab, tokenLine);
      const secret = /│ value +│ ([0-9a-f-]{36}) │/.exec(added.stdout)?.[1];
      assert.ok(secret, added.stdout);
      const token = { PROXMOX_VE_API_TOKEN: `root@pam!k3s-acceptance=${secret}` };
      // Everything but the /nodes grant first.
      for (const grant of grants.filter((line) => !line.includes('/nodes'))) assert.equal((await rootShell(lab, grant)).exitCode, 0, grant);
      const refused = await story(lab, token, t.signal);
      assert.notEqual(refused.exitCode, 0);
      assert.match(refused.output, /PROXMOX_VE_API_TOKEN: token root@pam!k3s-acceptance lacks Sys\.Audit on \/nodes\/pve \(to read node pve's free cores and memory\)/);
      const fixes = [...refused.output.matchAll(/`(pveum acl modify [^`]+)`/g)].map((match) => match[1]);
      assert.deepEqual(fixes, ["pveum acl modify /nodes/pve --tokens 'root@pam!k3s-acceptance' --roles PVEAuditor"]);
      for (const fix of fixes) assert.equal((await rootShell(lab, fix)).exitCode, 0, fix);
      const passed = await story(lab, token, t.signal);
      assert.equal(passed.exitCode, 0, passed.output);
      // The rehearsal builds CT 101 and destroys it, which removes every ACL entry on /vms/101 (remove_vm_access).
      const nightly = await runCucumber(['--profile', 'nightly-rehearsal', '--profile', 'real'], { ...lab.env, ...token }, t.signal);
      assert.equal(nightly.exitCode, 0, nightly.output);
      // A new container after that destroy: AC1 of the second worker creates, configures and starts CT 103.
      const ac1 = readFileSync('features/add-second-worker.feature', 'utf8').split('\n').findIndex((line) => line.includes('Scenario: AC1')) + 1;
      const second = await runCucumber(['--profile', 'real', `features/add-second-worker.feature:${ac1}`], { ...lab.env, ...token }, t.signal);
      assert.equal(second.exitCode, 0, `the grants on /vms outlived the destroy:\n${second.output}`);
    });
  });

  it('a bridge the node lacks is refused before anything is created, naming the bridges it has', RUN_TIMEOUT, async (t) => {
    await withLab({}, async (lab) => {
      const dir = mkdtempSync(join(tmpdir(), 'vmbr9-'));
      const feature = join(dir, 'vmbr9.feature');
      writeFileSync(feature, readFileSync('features/add-worker.feature', 'utf8').replace('| bridge        | vmbr0 ', '| bridge        | vmbr9 '));
      const writes = lab.proxmox.writeCount();
      const run = await runCucumber(['--profile', 'real', feature], lab.env, t.signal);
      assert.notEqual(run.exitCode, 0);
      assert.match(run.output, /bridge "vmbr9": does not exist on node pve \(it has vmbr0\); Proxmox would create the container and fail to start it/);
      assert.equal(lab.proxmox.writeCount(), writes);
    });
  });
});
