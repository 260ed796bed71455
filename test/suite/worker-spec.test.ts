import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/errors';
import { containerStatementProblems, statementProblems } from '../../src/spec/criterion-statements';
import { parseWorkerSpec } from '../../src/spec/worker-spec';
import { STORY_FIELDS, STORY_RAW_LXC } from '../support/story-spec';

const story = STORY_FIELDS;
const rawLines = STORY_RAW_LXC;

function problemsOf(fields: Record<string, string>, lines = rawLines): string[] {
  try {
    parseWorkerSpec(fields, lines);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.problems.map((p) => `${p.input}: ${p.problem}`);
  }
  return [];
}

describe('worker specification', () => {
  it('reads the story\'s table into Proxmox units (8GB = 8192 MiB memory, 50GB = 50 GiB disk)', () => {
    const spec = parseWorkerSpec(story, rawLines);
    assert.equal(spec.memoryMiB, 8192);
    assert.equal(spec.diskGiB, 50);
    assert.equal(spec.ip, '192.168.2.21');
    assert.equal(spec.prefix, 24);
    assert.deepEqual(spec.features, { nesting: '1', keyctl: '1', fuse: '1' });
    assert.deepEqual(spec.controlPlane, { host: '192.168.2.20', port: 6443 });
    assert.deepEqual(spec.rawLxc[2], ['lxc.cap.drop', '']);
    assert.deepEqual(spec.rawLxc[3], ['lxc.mount.entry', '/dev/kmsg dev/kmsg none bind,rw,optional,create=file']);
    assert.deepEqual(spec.rawLxc[4], ['lxc.mount.auto', 'proc:rw sys:rw']);
  });

  it('refuses "8 GiB" and names the accepted form', () => {
    const [problem] = problemsOf({ ...story, memory: '8 GiB' });
    assert.match(problem, /memory "8 GiB": "8 GiB" is not a size in the story's notation/);
  });

  it('refuses a VMID under 100, which Proxmox reserves', () => {
    assert.match(problemsOf({ ...story, vmid: '99' })[0], /vmid "99": must be a whole number from 100/);
  });

  it('refuses a malformed address and a gateway outside the subnet, together', () => {
    const problems = problemsOf({ ...story, address: '192.168.2.300/24', gateway: '10.0.0.1' });
    assert.equal(problems.length, 1, 'the gateway cannot be judged against an invalid address');
    const both = problemsOf({ ...story, gateway: '10.0.0.1', hostname: 'K3S_Worker' });
    assert.equal(both.length, 2);
    assert.match(both.join('\n'), /gateway "10.0.0.1": is outside the worker's subnet 192.168.2.21\/24/);
    assert.match(both.join('\n'), /hostname "K3S_Worker"/);
  });

  it('reports a missing row and an unknown row', () => {
    const { cores, ...withoutCores } = story;
    assert.ok(cores);
    const problems = problemsOf({ ...withoutCores, cpus: '4' });
    assert.deepEqual(problems, ['specification "cpus": is not a field the suite knows', 'specification "cores": is missing']);
  });

  it('refuses raw lines that are not lxc.* settings', () => {
    assert.match(problemsOf(story, ['features: keyctl=1'])[0], /raw LXC line "features: keyctl=1"/);
  });

  it('checks a criterion\'s figures against the table', () => {
    const spec = parseWorkerSpec(story, rawLines);
    assert.deepEqual(containerStatementProblems(spec, { cores: 4, memory: '8GB', disk: '50GB', ip: '192.168.2.21' }), []);
    const [problem] = containerStatementProblems(spec, { cores: 2, memory: '8GB', disk: '50GB', ip: '192.168.2.21' });
    assert.equal(`${problem.input}: ${problem.problem}`, '2 vCPU: in the step differs from the specification table (cores 4)');
  });

  it('reads every stated value of a feature\'s steps against the table: figures, control plane and node name', () => {
    const spec = parseWorkerSpec(story, rawLines);
    const steps = [
      'I create an LXC container with 4 vCPU, 16GB RAM, 50GB disk at 192.168.2.21',
      'the worker container is running and can reach the control plane (192.168.2.20:6444)',
      '`kubectl get nodes` shows k3s-worker-02 as Ready',
      'the pod reaches Running state',
    ];
    assert.deepEqual(statementProblems(spec, steps).map((problem) => problem.input), ['16GB RAM', 'control plane (192.168.2.20:6444)', 'step "`kubectl get nodes` shows k3s-worker-02 as Ready"']);
  });

  it('blames an address equal to the gateway on the address row, with a fix that is not the value already there', () => {
    const problems = problemsOf({ ...story, address: '192.168.2.1/24' });
    assert.deepEqual(problems, ['address "192.168.2.1/24": is the gateway\'s address (192.168.2.1)']);
    const [fix] = fixesOf({ ...story, address: '192.168.2.1/24' });
    assert.match(fix, /e\.g\. 192\.168\.2\.2\/24$/);
  });

  it('blames an address equal to the control plane on the address row, suggesting a free one', () => {
    assert.deepEqual(problemsOf({ ...story, address: '192.168.2.20/24' }), ['address "192.168.2.20/24": is the control plane\'s address (192.168.2.20:6443)']);
    assert.match(fixesOf({ ...story, address: '192.168.2.20/24' })[0], /e\.g\. 192\.168\.2\.21\/24$/);
  });

  it('reports a prefix such as /33 alone, not as a cascade into the gateway', () => {
    assert.deepEqual(problemsOf({ ...story, address: '192.168.2.21/33' }), ['address "192.168.2.21/33": has prefix length /33, and IPv4 prefixes run from /1 to /32']);
  });

  it('says a control-plane port outside 1–65535 is out of range', () => {
    assert.deepEqual(problemsOf({ ...story, 'control plane': '192.168.2.20:70000' }), ['control plane "192.168.2.20:70000": has port 70000, outside 1–65535']);
  });
});

function fixesOf(fields: Record<string, string>): string[] {
  try {
    parseWorkerSpec(fields, rawLines);
  } catch (error) {
    assert.ok(error instanceof ConfigurationError);
    return error.problems.map((p) => p.fix);
  }
  return [];
}
