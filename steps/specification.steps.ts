import { DataTable, Given } from '@cucumber/cucumber';
import type { StoryWorld } from '../support/world';

Given('the worker specification:', function (this: StoryWorld, table: DataTable) {
  this.specFields = table.rowsHash();
});

Given('its raw LXC configuration:', function (this: StoryWorld, lines: string) {
  this.rawLxcLines = lines.split('\n').filter((line) => line.trim() !== '');
});

// Bad values in the table, steps that disagree with it, unusable variables, unreachable endpoints, a worker the target
// cannot take: all at once, before anything is created. A story refused once skips its later scenarios
// (support/hooks.ts).
Given('every input is checked before anything is created', async function (this: StoryWorld) {
  await this.preflight();
});
