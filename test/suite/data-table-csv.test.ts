import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvCell, dataTableForCsv } from '../../src/report/data-table-csv';
import { noteTitle } from '../../src/report/evidence';

describe('a data table as the report\'s CSV view gets it', () => {
  it('quotes a cell with a comma, a quote or a line break, as RFC 4180 does', () => {
    assert.deepEqual(['vmbr0', 'nesting=1,keyctl=1,fuse=1', 'say "hi"', 'a\nb'].map(csvCell), ['vmbr0', '"nesting=1,keyctl=1,fuse=1"', '"say ""hi"""', '"a\nb"']);
  });

  it('gives a field/value table a header row, so its first row stays a row', () => {
    assert.deepEqual(dataTableForCsv([['vmid', '102'], ['features', 'nesting=1,keyctl=1']]), [['field', 'value'], ['vmid', '102'], ['features', '"nesting=1,keyctl=1"']]);
  });

  it('leaves a table with a header of its own as it is', () => {
    assert.deepEqual(dataTableForCsv([['vmid', 'hostname', 'address'], ['111', 'k3s-parallel-01', '192.168.2.51']]), [['vmid', 'hostname', 'address'], ['111', 'k3s-parallel-01', '192.168.2.51']]);
  });
});

describe('a note\'s name in the report', () => {
  it('is the note itself when it is one short line', () => {
    assert.equal(noteTitle('removed test pod default/acceptance-nginx-3f2a1c\n'), 'removed test pod default/acceptance-nginx-3f2a1c');
  });

  it('is the first line, cut, when there is more', () => {
    assert.equal(noteTitle('first line\nsecond'), 'first line…');
    assert.equal(noteTitle('x'.repeat(150)), `${'x'.repeat(99)}…`);
  });
});
