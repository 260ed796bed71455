import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError } from '../../src/errors';
import { BAD_INPUTS, preflightWith } from '../support/bad-inputs';
import { useLabTarget } from '../support/lab-target';
import { suiteWrites } from '../support/write-counter';

// One lab for all: the inputs that change the lab (someone else's container, a stale secret) come last in the list.
describe('preflight refuses bad input before anything is created', () => {
  const env = useLabTarget();
  for (const bad of BAD_INPUTS) {
    it(`${bad.name}: names the input, says how to fix it, and nothing reaches Proxmox or Kubernetes`, async () => {
      await bad.arrange?.(env.lab, env.target);
      const writesBefore = suiteWrites(env.lab);
      const error = await preflightWith(bad, env.lab.env).then(() => undefined, (caught: Error) => caught);
      assert.ok(error instanceof ConfigurationError, `a ConfigurationError, got ${error}`);
      assert.match(error.message, bad.names);
      assert.match(error.message, /nothing was created/);
      assert.ok(error.problems.every((problem) => problem.fix.length > 0), 'every problem says how to fix it');
      assert.equal(suiteWrites(env.lab), writesBefore, 'no write reached the lab');
    });
  }

  it('lists problems in the table and in the variables together', async () => {
    const bad = { name: 'two', fields: { vmid: '99', memory: '8 GiB' }, env: () => ({ PROXMOX_VE_API_TOKEN: undefined }), names: /./ };
    await assert.rejects(preflightWith(bad, env.lab.env), (error: ConfigurationError) => {
      assert.deepEqual(error.problems.map((problem) => problem.input.split(' ')[0]), ['vmid', 'memory', 'PROXMOX_VE_API_TOKEN']);
      assert.match(error.message, /^3 input problems; nothing was created:/);
      return true;
    });
  });
});
