import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChangeEntry } from '../../src/changes/change-record';
import { summarizeChanges } from '../../src/changes/change-summary';
import { renderRunbook } from '../../src/changes/runbook';

const change = (system: ChangeEntry['system'], action: string, target: string, command = `${action} ${target}`, outcome: ChangeEntry['outcome'] = 'done'): ChangeEntry =>
  ({ at: '2026-12-03T16:53:50.741Z', run: '1e585a', system, action, target, command, outcome });

const STORY = [
  change('proxmox', 'create', 'CT 102 (k3s-worker-01) on pve', 'pvesh create /nodes/pve/lxc --vmid 102 …'),
  change('proxmox-host', 'configure', 'CT 102 (features and raw LXC lines, as root)', 'set -e\npct set 102 --features nesting=1,keyctl=1,fuse=1'),
  change('proxmox', 'start', 'CT 102 on pve'),
  change('guest', 'install', 'k3s agent v1.34.3+k3s1 on worker k3s-worker-01', "curl -sfL https://get.k3s.io | INSTALL_K3S_VERSION='v1.34.3+k3s1' K3S_TOKEN=*** sh -"),
  change('kubernetes', 'create', 'pod default/acceptance-nginx-1e585a'),
  change('kubernetes', 'delete', 'pod default/acceptance-nginx-1e585a'),
];

describe('the run\'s changes in one line, for the report\'s overview', () => {
  it('says what happened to the container, what was installed and how many pods came and went', () => {
    assert.equal(summarizeChanges(STORY), 'created, configured and started CT 102 on pve, installed k3s agent v1.34.3+k3s1 on worker k3s-worker-01, created and deleted 1 pod');
  });

  it('names a node it touched once, counts pods that did not all go, and owns up to changes of unknown outcome', () => {
    const cleanup = [
      change('kubernetes', 'create', 'pod default/a'),
      change('kubernetes', 'create', 'pod default/b'),
      change('kubernetes', 'delete', 'pod default/a'),
      change('kubernetes', 'delete', 'node k3s-worker-01', 'kubectl delete node k3s-worker-01', 'unknown'),
      change('proxmox', 'stop', 'CT 102 on pve'),
      change('proxmox', 'destroy', 'CT 102 on pve'),
    ];
    assert.equal(summarizeChanges(cleanup), 'created 2 pods, deleted 1 pod, deleted node k3s-worker-01, stopped and destroyed CT 102 on pve (1 not known to have taken effect: see the runbook)');
  });

  it('says so when nothing changed', () => {
    assert.equal(summarizeChanges([]), 'no changes');
  });
});

describe('the run\'s changes as a runbook', () => {
  it('numbers each change with its time, what it did, where it is done and the command, the scenario\'s own marked', () => {
    const text = renderRunbook([...STORY.slice(0, 4), { ...STORY[4], at: '2026-12-03T16:53:52.327Z' }], '1e585a', '2026-12-03T16:53:52.000Z');
    assert.match(text, /^Run 1e585a made 5 changes to the systems under test, in this order \(times UTC; secrets shown as \*\*\*\):/);
    assert.match(text, / {2}2\. 16:53:50 {2}configure CT 102 \(features and raw LXC lines, as root\)\n {8}as root on the Proxmox host:\n {10}set -e\n {10}pct set 102/);
    assert.match(text, / {2}4\. 16:53:50 {2}install k3s agent v1\.34\.3\+k3s1 on worker k3s-worker-01\n {8}in the worker, over SSH:\n {10}curl .*K3S_TOKEN=\*\*\* sh -/);
    assert.match(text, /▸ {2}5\. 16:53:52 {2}create pod default\/acceptance-nginx-1e585a\n {8}against the cluster \(kubectl\):/);
    assert.match(text, /\n▸ made in this scenario$/);
  });
});
