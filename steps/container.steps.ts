import { Given, Then, When } from '@cucumber/cucumber';
import { expect } from 'chai';
import { ConfigurationError } from '../src/errors';
import { readGuestFacts } from '../src/provisioning/guest-facts';
import { requireCapacity } from '../src/provisioning/host-capacity';
import { proveKeyOnlyLogin } from '../src/provisioning/ssh-access';
import { containerStatementProblems, CREATE_CONTAINER_STEP } from '../src/spec/criterion-statements';
import type { StoryWorld } from '../support/world';

Given('Proxmox host is running with available resources', async function (this: StoryWorld) {
  await requireCapacity(await this.target(), this.spec, this.evidence);
});

When(CREATE_CONTAINER_STEP, async function (this: StoryWorld, cores: string, memory: string, disk: string, ip: string) {
  const problems = containerStatementProblems(this.spec, { cores: Number(cores), memory, disk, ip });
  if (problems.length) throw new ConfigurationError(problems);
  await (await this.worker()).ensureContainer(await this.context());
});

Then('the container boots successfully with Ubuntu {word}', async function (this: StoryWorld, version: string) {
  const worker = await this.worker();
  const context = await this.context();
  expect((await context.target.proxmox.containerStatus(worker.spec.vmid))?.status, `CT ${worker.spec.vmid} status`).to.equal('running');
  const facts = await readGuestFacts(await worker.guestSession(context), this.evidence);
  expect(facts.osRelease.NAME, 'os-release NAME').to.equal('Ubuntu');
  expect(facts.osRelease.VERSION_ID, 'os-release VERSION_ID').to.equal(version);
  expect(facts.cpus, 'nproc').to.equal(worker.spec.cores);
  expect(facts.memoryMiB, 'MemTotal in MiB').to.equal(worker.spec.memoryMiB);
  // ext4 keeps a few percent of the volume for itself; the filesystem must still be most of the requested disk.
  expect(facts.rootGiB, 'root filesystem GiB').to.be.within(worker.spec.diskGiB * 0.9, worker.spec.diskGiB);
  expect(facts.hostname, 'hostname').to.equal(worker.spec.hostname);
  expect(facts.ipv4, 'IPv4 addresses').to.include(worker.spec.ip);
});

Then('SSH access is available with key-based authentication', async function (this: StoryWorld) {
  const worker = await this.worker();
  const context = await this.context();
  await worker.guestSession(context);
  await proveKeyOnlyLogin(context.target, worker.container!, this.evidence);
});
