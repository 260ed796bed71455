import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { projectRoot, runCucumber } from './run-cucumber';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');

/** Every `features/….feature:LINE` the README gives, with what it says that line runs ("runs AC3 alone"). */
function lineExamples(): Array<{ path: string; line: number; claim?: string }> {
  return [...readme.matchAll(/(features\/[\w/-]+\.feature):(\d+)`?(?:\)?\s+runs (\S+) alone)?/g)].map((match) => ({ path: match[1], line: Number(match[2]), claim: match[3] }));
}

/** The README's shell blocks, one command line each. */
function shellLines(): string[] {
  return [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) => block[1].split('\n')).map((line) => line.trim()).filter(Boolean);
}

describe('the README\'s commands are true as written', () => {
  it('names, in every features/…:LINE example, the line of a scenario, and cucumber runs that scenario alone', async (t) => {
    const examples = lineExamples();
    assert.ok(examples.length > 0, 'the README gives at least one example');
    for (const example of examples) {
      const text = readFileSync(join(projectRoot, example.path), 'utf8').split('\n')[example.line - 1] ?? '';
      const scenario = /^\s*(?:Scenario|Scenario Outline|Example):\s*(.+)$/.exec(text)?.[1];
      assert.ok(scenario, `${example.path}:${example.line} is "${text.trim()}", not a scenario's line`);
      if (example.claim) assert.ok(scenario.startsWith(example.claim), `${example.path}:${example.line} is "${scenario}", not ${example.claim}`);
      const run = await runCucumber(['--dry-run', `${example.path}:${example.line}`], {}, t.signal);
      assert.equal(run.exitCode, 0, run.output);
      const envelopes: Envelope[] = readFileSync(join(run.reportsDir, 'cucumber-messages.ndjson'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
      const pickles = new Map(envelopes.flatMap((envelope) => (envelope.pickle ? [[envelope.pickle.id, envelope.pickle.name] as const] : [])));
      const ran = envelopes.flatMap((envelope) => (envelope.testCase ? [pickles.get(envelope.testCase.pickleId)] : []));
      assert.deepEqual(ran, [scenario], `${example.path}:${example.line} runs "${scenario}" and nothing else`);
    }
  });

  it('calls kubectl as the project provides it (npx kubectl: v1.34, installed on first use), never a bare kubectl', () => {
    const bare = shellLines().filter((line) => /^kubectl\s/.test(line));
    assert.deepEqual(bare, [], 'a fresh machine has no kubectl on its PATH');
    assert.ok(shellLines().some((line) => line.startsWith('npx kubectl ')));
    const version = execFileSync('npx', ['kubectl', 'version', '--client'], { cwd: projectRoot, encoding: 'utf8' });
    assert.match(version, /^Client Version: v1\.34\./m);
  });
});
