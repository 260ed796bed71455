import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { leftBehind } from '../src/cleanup/left-behind';
import { InfrastructureError } from '../src/errors';
import { addWorker } from '../src/story/add-worker';
import { parseDuration, timeoutName } from '../src/waiting/suite-timeouts';
import type { StoryWorld } from '../support/world';

// Steps of features/faults/: the story run end to end while the lab misbehaves, and what the operator is told.

Given('the suite waits at most {word} for {string}', function (this: StoryWorld, duration: string, name: string) {
  const ms = parseDuration(duration);
  const timeout = timeoutName(name);
  if (ms === undefined || !timeout) throw new Error(`"${duration}" for "${name}": write e.g. 3s for one of the SUITE_TIMEOUTS names`);
  this.run.waits.override(timeout, ms);
});

When(/^the operator adds the worker( alongside the others)?$/, async function (this: StoryWorld, alongside?: string) {
  try {
    await this.preflight();
    // A worker added alongside others is removed in its own scenario, so a failure removes it too (not kept).
    const build = await this.run.worker(this.spec, { keepWhenReady: !alongside });
    await addWorker(build, await this.context(), { pinTestPod: Boolean(alongside), onTestPod: (pod) => (this.testPod = pod) });
  } catch (error) {
    this.outcome = error as Error;
    this.evidence.attach('what the operator is told', `${this.outcome.name}: ${this.outcome.message}`);
    if (error instanceof InfrastructureError && error.evidence) this.evidence.attach(`diagnosis (${error.phase})`, error.evidence);
    // As after a failed scenario: what the run created is removed now, so the next steps can check it is gone.
    await this.run.settleFailure(this.evidence);
  }
});

Then(/^the worker is added(?: despite the fault)?$/, function (this: StoryWorld) {
  expect(this.outcome?.message, 'the run\'s failure').to.equal(undefined);
});

Then('adding the worker fails with a {word} saying:', function (this: StoryWorld, errorName: string, expected: string) {
  expect(this.outcome, 'the run should have failed').to.be.an('error');
  expect(this.outcome!.name, `kind of failure (${this.outcome!.message})`).to.equal(errorName);
  for (const line of expected.split('\n').map((text) => text.trim()).filter(Boolean)) {
    expect(this.outcome!.message, 'what the operator is told').to.include(line);
  }
});

Then('the report carries {string}', function (this: StoryWorld, text: string) {
  const found = this.reported.some((entry) => entry.title.includes(text) || entry.text.includes(text));
  expect(found, `"${text}" in the report's attachments and notes: ${this.reported.map((entry) => entry.title).join(', ')}`).to.equal(true);
});

// A worker that reached Ready is the story's result (src/cleanup/failure-policy.ts): a later failure does not remove it.
Then('the worker that had joined stays for the operator to inspect', async function (this: StoryWorld) {
  const { proxmox, cluster } = await this.target();
  expect((await proxmox.containerStatus(this.spec.vmid))?.status, `CT ${this.spec.vmid}`).to.equal('running');
  expect((await cluster.core.readNode({ name: this.spec.hostname })).metadata?.name).to.equal(this.spec.hostname);
});

Then('nothing the run created is left behind', async function (this: StoryWorld) {
  const remaining = await leftBehind(await this.target(), await this.run.ledger());
  expect(remaining, 'resources the run created that still exist').to.deep.equal([]);
});
