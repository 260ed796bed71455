import { DataTable, Given } from '@cucumber/cucumber';
import { StoryWorld } from '../support/world';

Given('the worker specification:', function (this: StoryWorld, table: DataTable) {
  this.specFields = table.rowsHash();
});

Given('its raw LXC configuration:', function (this: StoryWorld, lines: string) {
  this.rawLxcLines = lines.split('\n').filter((line) => line.trim() !== '');
  // Parse now: a bad value fails the Background, before any step touches Proxmox.
  void this.spec;
});
