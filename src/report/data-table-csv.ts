/** A cell as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break, its quotes doubled. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The header a two-column table gets in the report: such tables are field/value lists (read with `rowsHash()`). */
export const FIELD_VALUE_HEADER = ['field', 'value'];

/**
 * A Gherkin data table's rows as the report's CSV view should get them: cells quoted (a reporter that joins cells
 * with commas then writes valid CSV), and a two-column field/value table given a header row, since the report shows
 * a CSV's first row as its header and such a table's first row is data (`vmid | 102`). Other tables keep theirs.
 */
export function dataTableForCsv(rows: string[][]): string[][] {
  const quoted = rows.map((row) => row.map(csvCell));
  return rows.every((row) => row.length === 2) ? [FIELD_VALUE_HEADER, ...quoted] : quoted;
}
