import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../lab';
import { ConfigurationError } from '../src/errors';
import { openTarget } from '../test/support/open-target';
import { BAD_INPUTS, preflightWith } from '../test/support/bad-inputs';
import { suiteWrites } from '../test/support/write-counter';
import { runCucumber } from '../test/features/run-cucumber';
import { nightlyOnBrokenWorker, rerunOnJoinedWorker } from '../test/support/never-harm-proofs';

/**
 * `npm run proof:safety`: tries every bad input against a fresh lab and counts those refused with zero writes, then
 * runs every fault scenario and counts those that left nothing behind. Prints one line per case and the two counts.
 */
async function badInputsWithZeroWrites(): Promise<number> {
  const stateDir = mkdtempSync(join(tmpdir(), 'k3s-proof-'));
  const lab = await startLab({ stateDir });
  const target = await openTarget(lab.env, 'lab');
  let clean = 0;
  try {
    for (const bad of BAD_INPUTS) {
      await bad.arrange?.(lab, target);
      const before = suiteWrites(lab);
      const error = await preflightWith(bad, lab.env).then(() => undefined, (caught: Error) => caught);
      const writes = suiteWrites(lab) - before;
      const refused = error instanceof ConfigurationError && bad.names.test(error.message);
      if (refused && writes === 0) clean += 1;
      console.log(`${refused && writes === 0 ? 'ok  ' : 'FAIL'} bad input: ${bad.name} (${writes} writes)`);
    }
  } finally {
    target.proxmoxHost.close();
    await lab.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
  return clean;
}

/** Fault scenarios whose "nothing the run created is left behind" step passed, read from cucumber's messages. */
async function faultsWithZeroLeftovers(): Promise<{ clean: number; total: number }> {
  const run = await runCucumber(['features/faults/'], { SUITE_PROGRESS: 'quiet' });
  const messages = readFileSync(join(run.reportsDir, 'cucumber-messages.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const stepText = new Map<string, string>();
  const pickles = new Map<string, { name: string; steps: Map<string, string> }>();
  for (const message of messages) {
    if (message.pickle) pickles.set(message.pickle.id, { name: message.pickle.name, steps: new Map(message.pickle.steps.map((step: { id: string; text: string }) => [step.id, step.text])) });
    if (message.testCase) for (const step of message.testCase.testSteps) if (step.pickleStepId) stepText.set(step.id, pickles.get(message.testCase.pickleId)!.steps.get(step.pickleStepId)!);
  }
  const caseOf = new Map(messages.filter((m) => m.testCaseStarted).map((m) => [m.testCaseStarted.id, messages.find((c) => c.testCase?.id === m.testCaseStarted.testCaseId).testCase.pickleId]));
  const verdicts = new Map<string, boolean>();
  for (const message of messages.filter((m) => m.testStepFinished)) {
    const text = stepText.get(message.testStepFinished.testStepId);
    const pickle = caseOf.get(message.testStepFinished.testCaseStartedId) as string;
    if (text === 'nothing the run created is left behind') verdicts.set(pickle, message.testStepFinished.testStepResult.status === 'PASSED');
    if (text === 'the worker is added despite the fault') verdicts.set(pickle, message.testStepFinished.testStepResult.status === 'PASSED');
  }
  for (const [id, { name }] of pickles) console.log(`${verdicts.get(id) ? 'ok  ' : verdicts.has(id) ? 'FAIL' : '--  '} fault: ${name}${verdicts.has(id) ? '' : ' (fails before anything is created)'}`);
  return { clean: [...verdicts.values()].filter(Boolean).length, total: verdicts.size };
}

/** What already works stays as it is: a read-only nightly, a re-run on a joined worker, a wrong token. */
async function neverHarm(): Promise<{ lines: string[]; held: boolean }> {
  const nightly = await nightlyOnBrokenWorker();
  const podChanges = nightly.changes.length - nightly.otherChanges.length;
  const nightlyHeld = nightly.nightly.exitCode !== 0 && /k3s-worker-01/.test(nightly.nightly.output) && nightly.containerStatus === 'stopped' && nightly.otherChanges.length === 0;
  const rerun = await rerunOnJoinedWorker();
  const rerunHeld = rerun.second.exitCode === 0 && rerun.secondInstalls.length === 0 && rerun.startsAfterSecond === rerun.startsAfterFirst;
  const tokenHeld = rerun.wrongToken.exitCode !== 0 && rerun.wrongTokenChanges.length === 0 && /K3S_TOKEN: was rejected by the server/.test(rerun.wrongToken.output) && rerun.workerReadyAtEnd;
  return {
    held: nightlyHeld && rerunHeld && tokenHeld,
    lines: [
      `${nightlyHeld ? 'ok  ' : 'FAIL'} nightly on a broken worker: ${nightly.otherChanges.length} changes beyond its pods (${podChanges} pod creations and deletions), CT 102 still ${nightly.containerStatus}, failure names k3s-worker-01`,
      `${rerunHeld ? 'ok  ' : 'FAIL'} re-run on a joined worker: installer not run (${rerun.secondInstalls.length} installs, ${rerun.startsAfterSecond} "Starting k3s agent" line(s) in the journal after two runs)`,
      `${tokenHeld ? 'ok  ' : 'FAIL'} wrong token: refused before anything was created (${rerun.wrongTokenChanges.length} changes, refused in ${(rerun.wrongTokenMs / 1000).toFixed(1)} s, worker still Ready)`,
    ],
  };
}

async function main(): Promise<void> {
  const clean = await badInputsWithZeroWrites();
  const faults = await faultsWithZeroLeftovers();
  const harm = await neverHarm();
  console.log(`\n${clean} of ${BAD_INPUTS.length} bad inputs refused before anything was created, with zero writes to Proxmox or Kubernetes`);
  console.log(`${faults.clean} of ${faults.total} fault scenarios that create something ended with nothing of the run's left behind (or the worker added despite the fault)`);
  for (const line of harm.lines) console.log(line);
  process.exitCode = clean === BAD_INPUTS.length && faults.clean === faults.total && harm.held ? 0 : 1;
}

void main();
