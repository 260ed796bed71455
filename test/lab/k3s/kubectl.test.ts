import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningK3sServer } from '../../../lab/k3s';
import type { VirtualNetwork } from '../../../lab/net/virtual-network';
import { KUBECTL, kubectlFor, kubectlMissing } from '../../support/kubectl';
import { joinAgentNode, startTestServer } from './lab-client';

const FAILED_SCHEDULING_TAIL = 'no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';

describe('the real kubectl v1.34 against the emulated k3s server', { skip: kubectlMissing }, () => {
  let server: RunningK3sServer;
  let network: VirtualNetwork;
  let dir: string;
  let stopAgent = () => {};

  let kubectl: ReturnType<typeof kubectlFor>['run'];
  let ok: ReturnType<typeof kubectlFor>['ok'];

  const lines = (text: string) => text.trimEnd().split('\n');
  const columns = (line: string) => line.trim().split(/\s{2,}/);

  before(async () => {
    ({ server, network } = await startTestServer());
    dir = mkdtempSync(join(tmpdir(), 'kubectl-lab-'));
    writeFileSync(join(dir, 'k3s.yaml'), server.kubeconfig(), { mode: 0o600 });
    ({ run: kubectl, ok } = kubectlFor(join(dir, 'k3s.yaml'), dir));
    stopAgent = (await joinAgentNode(server, network, 'k3s-worker-01', '192.168.2.21')).stop;
  });
  after(async () => {
    stopAgent();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('get nodes: NAME STATUS ROLES AGE VERSION, the server with ROLES control-plane,master and the agent with <none>', async () => {
    const [header, ...rows] = lines(await ok('get', 'nodes'));
    assert.deepEqual(columns(header), ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    assert.equal(rows.length, 2);
    const [master, worker] = rows.map(columns);
    assert.deepEqual([master[0], master[1], master[2], master[4]], ['k3s-master', 'Ready', 'control-plane,master', 'v1.34.3+k3s1']);
    assert.deepEqual([worker[0], worker[1], worker[2], worker[4]], ['k3s-worker-01', 'Ready', '<none>', 'v1.34.3+k3s1']);
    assert.match(master[3], /^\d+s$/);
  });

  it('get nodes -o wide: adds INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME', async () => {
    const [header, master, worker] = lines(await ok('get', 'nodes', '-o', 'wide')).map(columns);
    assert.deepEqual(header, ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    assert.deepEqual(master.slice(5), ['192.168.2.20', '<none>', 'Ubuntu 22.04.5 LTS', '5.15.0-131-generic', 'containerd://2.1.5-k3s1']);
    assert.deepEqual(worker.slice(5), ['192.168.2.21', '<none>', 'Ubuntu 22.04.5 LTS', '6.8.12-9-pve', 'containerd://2.1.5-k3s1']);
  });

  it('get lease -n kube-node-lease: NAME HOLDER AGE, one Lease per node held by its kubelet (coordination.k8s.io/v1)', async () => {
    const [header, ...rows] = lines(await ok('get', 'lease', '-n', 'kube-node-lease')).map(columns);
    assert.deepEqual(header, ['NAME', 'HOLDER', 'AGE']);
    assert.deepEqual(rows.map((row) => row.slice(0, 2)), [['k3s-master', 'k3s-master']]);
  });

  it('describe node: a Lease section with HolderIdentity, AcquireTime <unset> and a RenewTime seconds old', async () => {
    const text = await ok('describe', 'node', 'k3s-master');
    const section = /Lease:\n  HolderIdentity:  (\S+)\n  AcquireTime:     (\S+)\n  RenewTime:       (.+)\n/.exec(text);
    assert.ok(section, text);
    assert.deepEqual([section[1], section[2]], ['k3s-master', '<unset>']);
    assert.ok(Date.now() - Date.parse(section[3]) < 60_000, `RenewTime ${section[3]}`);
  });

  it('get pods -A -o wide: k3s\'s kube-system pods in name order, with IP and NODE, and the svclb pod of the joined agent', async () => {
    const [header, ...all] = lines(await ok('get', 'pods', '-A', '-o', 'wide')).map(columns);
    assert.deepEqual(header, ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    const names = all.map((row) => row[1]);
    assert.deepEqual(names, [...names].sort());
    // The agent here runs no kubelet: ServiceLB's pod is placed on it and stays Pending.
    const onAgent = all.filter((row) => row[7] === 'k3s-worker-01');
    assert.deepEqual(onAgent.map((row) => [row[1].replace(/-[a-z0-9]{8}-[a-z0-9]{5}$/, ''), row[2], row[3]]), [['svclb-traefik', '0/2', 'Pending']]);
    const rows = all.filter((row) => row[7] === 'k3s-master');
    assert.equal(rows.length, 7);
    assert.ok(rows.every((row) => row[0] === 'kube-system' && row[8] === '<none>' && row[9] === '<none>'));
    assert.deepEqual(names, [...names].sort());
    const coredns = rows.find((row) => row[1].startsWith('coredns-'))!;
    assert.deepEqual([coredns[2], coredns[3], coredns[4]], ['1/1', 'Running', '0']);
    assert.match(coredns[6], /^10\.42\.0\.\d+$/);
    assert.deepEqual(rows.filter((row) => row[3] === 'Completed').map((row) => row[2]), ['0/1', '0/1']);
  });

  it('delete node: leaves the server as the only node (the agent runs no kubelet here, so pods must land on the server)', async () => {
    stopAgent();
    assert.equal(await ok('delete', 'node', 'k3s-worker-01'), 'node "k3s-worker-01" deleted\n');
  });

  it('run: "pod/web created", and wait --for=condition=Ready pod/web: "condition met"', async () => {
    assert.equal(await ok('run', 'web', '--image=nginx:alpine'), 'pod/web created\n');
    assert.equal(await ok('wait', '--for=condition=Ready', 'pod/web', '--timeout=30s'), 'pod/web condition met\n');
  });

  it('describe pod: an Events section with Scheduled, Pulling, Pulled, Created, Started', async () => {
    const text = await ok('describe', 'pod', 'web');
    assert.match(text, /^Name: +web$/m);
    assert.match(text, /^Status: +Running$/m);
    const events = text.slice(text.indexOf('\nEvents:'));
    assert.match(events, /^ {2}Type {4}Reason {5}Age +From +Message$/m);
    const reasons = lines(events).filter((line) => /^ {2}(Normal|Warning) /.test(line)).map((line) => columns(line)[1]);
    assert.deepEqual(reasons, ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']);
    assert.match(events, /default-scheduler +Successfully assigned default\/web to k3s-master$/m);
  });

  it('get events: LAST SEEN TYPE REASON OBJECT MESSAGE, each pod\'s events in the order they happened', async () => {
    const [header, ...rows] = lines(await ok('get', 'events')).map(columns);
    assert.deepEqual(header, ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    const web = rows.filter((row) => row[3] === 'pod/web');
    assert.deepEqual(web.map((row) => row[2]), ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']);
    assert.deepEqual(web[4], [web[4][0], 'Normal', 'Started', 'pod/web', 'Started container web']);
  });

  it('apply -f (client-side): created, then unchanged, then configured, without OpenAPI warnings', async () => {
    const manifest = (app: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels:\n    app: ${app}\nspec:\n  containers:\n  - name: nginx\n    image: nginx:alpine\n`;
    const file = join(dir, 'pod.yaml');
    writeFileSync(file, manifest('first'));
    assert.equal(await ok('apply', '-f', file), 'pod/x created\n');
    assert.equal(await ok('apply', '-f', file), 'pod/x unchanged\n');
    writeFileSync(file, manifest('second'));
    assert.equal(await ok('apply', '-f', file), 'pod/x configured\n');
    assert.equal(await ok('get', 'pod', 'x', '-o', 'jsonpath={.metadata.labels.app}'), 'second');
  });

  it('get pod nope: "Error from server (NotFound)" from the Status object, exit 1', async () => {
    const result = await kubectl('get', 'pod', 'nope');
    assert.deepEqual(result, { code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n' });
  });

  it('wait --for=condition=Ready node/k3s-master: "node/k3s-master condition met"', async () => {
    assert.equal(await ok('wait', '--for=condition=Ready', 'node/k3s-master', '--timeout=30s'), 'node/k3s-master condition met\n');
  });

  it('delete pod: waits for the kubelet to finish and prints kubectl 1.34\'s "deleted from default namespace"', async () => {
    assert.equal(await ok('delete', 'pod', 'web', 'x'), 'pod "web" deleted from default namespace\npod "x" deleted from default namespace\n');
    assert.equal((await kubectl('get', 'pod', 'web')).code, 1);
  });

  it('cordon: STATUS Ready,SchedulingDisabled, and a new pod stays Pending with the FailedScheduling message', async () => {
    assert.equal(await ok('cordon', 'k3s-master'), 'node/k3s-master cordoned\n');
    assert.deepEqual(columns(lines(await ok('get', 'nodes'))[1]).slice(0, 3), ['k3s-master', 'Ready,SchedulingDisabled', 'control-plane,master']);
    await ok('run', 'cordoned', '--image=nginx:alpine');
    assert.equal(await ok('wait', '--for=condition=PodScheduled=false', 'pod/cordoned', '--timeout=30s'), 'pod/cordoned condition met\n');
    assert.equal(await ok('get', 'pod', 'cordoned', '-o', 'jsonpath={.status.phase}'), 'Pending');
    const message = await ok('get', 'events', '--field-selector', 'involvedObject.name=cordoned,reason=FailedScheduling', '-o', 'jsonpath={.items[0].message}');
    assert.equal(message, `0/1 nodes are available: 1 node(s) were unschedulable. ${FAILED_SCHEDULING_TAIL}`);
    assert.equal(await ok('uncordon', 'k3s-master'), 'node/k3s-master uncordoned\n');
    assert.equal(await ok('wait', '--for=condition=Ready', 'pod/cordoned', '--timeout=30s'), 'pod/cordoned condition met\n');
  });

  it('taint key=value:NoSchedule keeps a new pod Pending; removing it with "-" lets the pod run', async () => {
    assert.equal(await ok('taint', 'nodes', 'k3s-master', 'key=value:NoSchedule'), 'node/k3s-master tainted\n');
    assert.equal(await ok('get', 'node', 'k3s-master', '-o', 'jsonpath={.spec.taints}'), '[{"effect":"NoSchedule","key":"key","value":"value"}]');
    await ok('run', 'tainted', '--image=nginx:alpine');
    await ok('wait', '--for=condition=PodScheduled=false', 'pod/tainted', '--timeout=30s');
    const message = await ok('get', 'events', '--field-selector', 'involvedObject.name=tainted,reason=FailedScheduling', '-o', 'jsonpath={.items[0].message}');
    assert.equal(message, `0/1 nodes are available: 1 node(s) had untolerated taint {key: value}. ${FAILED_SCHEDULING_TAIL}`);
    assert.equal(await ok('taint', 'nodes', 'k3s-master', 'key=value:NoSchedule-'), 'node/k3s-master untainted\n');
    assert.equal(await ok('get', 'node', 'k3s-master', '-o', 'jsonpath={.spec.taints}'), '');
    assert.equal(await ok('wait', '--for=condition=Ready', 'pod/tainted', '--timeout=30s'), 'pod/tainted condition met\n');
  });

  it('dropWatches: kubectl wait notices the dropped stream, watches again and still sees the condition', async () => {
    await ok('cordon', 'k3s-master');
    await ok('run', 'late', '--image=nginx:alpine');
    const waiting = spawn(KUBECTL, ['--kubeconfig', join(dir, 'k3s.yaml'), 'wait', '--for=condition=Ready', 'pod/late', '--timeout=30s', '-v=6'], { env: { PATH: process.env.PATH, HOME: dir } });
    let stdout = '';
    let stderr = '';
    waiting.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((done) => waiting.on('close', done));
    waiting.stderr.on('data', (chunk) => (stderr += chunk));
    // A watch is open once kubectl logs it (-v=6 prints each request's URL with its status).
    const watchesOpened = (count: number, what: string) =>
      new Promise<void>((watching, fail) => {
        const opened = () => (stderr.match(/watch=true[^\n]*200 OK/g)?.length ?? 0) >= count;
        const timer = setTimeout(() => fail(new Error(`kubectl wait did not open ${what} within 20s: ${stderr}`)), 20_000);
        const check = () => {
          if (!opened()) return;
          clearTimeout(timer);
          waiting.stderr.off('data', check);
          watching();
        };
        waiting.stderr.on('data', check);
        check();
      });
    await watchesOpened(1, 'its watch');
    assert.equal(server.dropWatches(), 1);
    // The pod stays unschedulable until kubectl watches again, so the condition can only be seen through that watch.
    await watchesOpened(2, 'a second watch after the drop');
    await ok('uncordon', 'k3s-master');
    assert.equal(await exited, 0, stderr);
    assert.equal(stdout, 'pod/late condition met\n');
    assert.ok((stderr.match(/watch=true/g)?.length ?? 0) >= 2, 'a watch before the drop and another after it');
  });
});
