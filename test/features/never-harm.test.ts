import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nightlyOnBrokenWorker, outputOf, rerunOnJoinedWorker, twoRunsAtOnce } from '../support/never-harm-proofs';

const RUN_TIMEOUT = { timeout: 5 * 60_000 };

describe('a run never harms what already works', () => {
  it('the nightly on a real target whose worker is stopped fails naming k3s-worker-01, starts nothing, and changes nothing but its own pods', RUN_TIMEOUT, async (t) => {
    const proof = await nightlyOnBrokenWorker(t.signal);
    assert.notEqual(proof.nightly.exitCode, 0, proof.nightly.output);
    assert.match(proof.nightly.output, /k3s-worker-01 is (NotReady|Unknown)/);
    assert.match(proof.nightly.output, /repairs nothing[\s\S]*pct start 102/);
    assert.equal(proof.containerStatus, 'stopped', 'the container is still stopped');
    assert.deepEqual(proof.otherChanges, [], outputOf(proof.nightly));
    assert.ok(proof.changes.every((change) => change.run === proof.changes[0].run), 'every change carries the run id');
  });

  it('a second run on a joined worker verifies it and does not run the installer; a wrong token is refused before anything is created', RUN_TIMEOUT, async (t) => {
    const proof = await rerunOnJoinedWorker(t.signal);
    assert.equal(proof.first.exitCode, 0, proof.first.output);
    assert.equal(proof.second.exitCode, 0, proof.second.output);
    assert.equal(proof.startsAfterFirst, 1, 'the first run started the agent once');
    assert.equal(proof.startsAfterSecond, 1, 'no new "Starting k3s agent" line in the agent\'s journal');
    assert.deepEqual(proof.secondInstalls, [], outputOf(proof.second));
    assert.deepEqual(proof.secondChanges.map((change) => `${change.system} ${change.action}`), ['kubernetes create', 'kubernetes delete'], 'only its test pod');
    assert.match(proof.second.output, /3 scenarios \(3 passed\)/);
    assert.notEqual(proof.wrongToken.exitCode, 0);
    assert.match(proof.wrongToken.output, /K3S_TOKEN: was rejected by the server at https:\/\/127\.0\.0\.1:\d+: 401 not authorized/);
    assert.match(proof.wrongToken.output, /3 scenarios \(2 skipped, 1 failed\)/);
    assert.deepEqual(proof.wrongTokenChanges, [], 'a refused run changes nothing');
    assert.equal(proof.workerReadyAtEnd, true, 'the worker is still Ready');
  });

  it('two runs started at once: exactly one builds the worker, the other refuses naming it and changes nothing', RUN_TIMEOUT, async (t) => {
    const { runs, readyWorkers } = await twoRunsAtOnce(t.signal);
    const passed = runs.filter((run) => run.exitCode === 0);
    const refused = runs.filter((run) => run.exitCode !== 0);
    assert.equal(passed.length, 1, runs.map(outputOf).join('\n=====\n'));
    const [loser] = refused;
    assert.match(loser.output, /CT 102 \(k3s-worker-01\) is being built right now by another run of the suite, run [0-9a-f]{6} \(pid \d+ on \S+, started [^)]+\)/);
    assert.match(loser.output, /wait for that run to finish and run again/);
    assert.deepEqual(changesOfRun(loser), [], 'the refused run changed nothing');
    assert.equal(readyWorkers, 1);
  });
});

function changesOfRun(run: Parameters<typeof outputOf>[0]): string[] {
  return outputOf(run).split('--- changes.jsonl ---\n')[1] === '(none)' ? [] : outputOf(run).split('--- changes.jsonl ---\n')[1].split('\n');
}
