import { EventEmitter } from 'node:events';
import { Formatter, type IFormatterOptions } from '@cucumber/cucumber';
import type { Envelope, Pickle } from '@cucumber/messages';
import AllureCucumberReporter from 'allure-cucumberjs/reporter';
import { dataTableForCsv } from '../src/report/data-table-csv';

/**
 * allure-cucumberjs's own reporter, fed the run's messages with one change: each step's data table arrives fit for
 * the CSV the reporter writes. It joins cells with bare commas (allure-framework/allure-js#1363), which split
 * `nesting=1,keyctl=1,fuse=1` over three columns, and the report shows a CSV's first row as a header, which made
 * `vmid | 102` the specification's heading. Everything else reaches the reporter as cucumber sent it.
 */
export default class AllureFormatter extends Formatter {
  static override readonly documentation = 'Allure results (allure-cucumberjs), with data tables as the tables they are';

  constructor(options: IFormatterOptions) {
    super(options);
    const toAllure = new EventEmitter();
    options.eventBroadcaster.on('envelope', (envelope: Envelope) => toAllure.emit('envelope', envelope.pickle ? { ...envelope, pickle: withCsvTables(envelope.pickle) } : envelope));
    new AllureCucumberReporter({ ...options, eventBroadcaster: toAllure });
  }
}

function withCsvTables(pickle: Pickle): Pickle {
  return {
    ...pickle,
    steps: pickle.steps.map((step) => {
      const table = step.argument?.dataTable;
      if (!table) return step;
      const rows = dataTableForCsv(table.rows.map((row) => row.cells.map((cell) => cell.value)));
      return { ...step, argument: { ...step.argument, dataTable: { rows: rows.map((cells) => ({ cells: cells.map((value) => ({ value })) })) } } };
    }),
  };
}
