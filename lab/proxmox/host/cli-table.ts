/** A column of a CLI table: the property, and its schema type (numbers are right-aligned, booleans print 1/0). */
export interface Column {
  key: string;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object';
  title?: string;
}

export interface TableOptions {
  noborder?: boolean;
  noheader?: boolean;
  /** Sort rows by this column (default: the first); false keeps their order. */
  sortKey?: string | false;
}

/**
 * pve-common PVE/CLIFormatter.pm print_text_table, as a UTF-8 terminal gets it: rows sorted by the first column,
 * each column as wide as its widest line, box-drawing borders, a `╞═╡` rule under the header and `├─┤` between rows.
 */
export function textTable(rows: Array<Record<string, unknown>>, columns: Column[], options: TableOptions = {}): string {
  const sortKey = options.sortKey === undefined ? columns[0]?.key : options.sortKey;
  const sorted = [...rows];
  if (sortKey) {
    const numeric = ['integer', 'number'].includes(columns.find((c) => c.key === sortKey)?.type ?? 'string');
    sorted.sort((a, b) => compare(a[sortKey], b[sortKey], numeric));
  }
  const cells = sorted.map((row) => columns.map((column) => toText(row[column.key], column).split('\n')));
  const widths = columns.map((column, i) => Math.max((column.title ?? column.key).length, ...cells.map((row) => Math.max(...row[i].map((line) => line.length)))));
  const align = (text: string, i: number) => (['integer', 'number'].includes(columns[i].type ?? '') ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (texts: string[]) => (options.noborder ? texts.map((t, i) => (i === texts.length - 1 ? t : `${align(t, i)} `)).join('') : `│ ${texts.map(align).join(' │ ')} │`);
  const rule = (left: string, fill: string, cross: string, right: string) => left + widths.map((w) => fill.repeat(w + 2)).join(cross) + right;
  const out: string[] = [];
  if (!options.noborder) out.push(rule('┌', '─', '┬', '┐'));
  if (!options.noheader) out.push(line(columns.map((column) => column.title ?? column.key)));
  cells.forEach((row, r) => {
    if (!options.noborder && (r > 0 || !options.noheader)) out.push(r === 0 ? rule('╞', '═', '╪', '╡') : rule('├', '─', '┼', '┤'));
    const height = Math.max(...row.map((lines) => lines.length));
    for (let l = 0; l < height; l += 1) out.push(line(row.map((lines) => lines[l] ?? '')));
  });
  if (!options.noborder) out.push(rule('└', '─', '┴', '┘'));
  return out.map((text) => `${text}\n`).join('');
}

/** print_api_result for an object: a key/value table of its defined properties. */
export function keyValueTable(data: Record<string, unknown>, types: Record<string, Column['type']> = {}, options: TableOptions = {}): string {
  const rows = Object.keys(data)
    .filter((key) => data[key] !== undefined && data[key] !== null)
    .map((key) => ({ key, value: toText(data[key], { key, type: types[key] }) }));
  return textTable(rows, [{ key: 'key' }, { key: 'value' }], options);
}

/** CLIFormatter.pm data_to_text: booleans 1/0, objects as canonical JSON (sorted keys), the rest as text. */
function toText(value: unknown, column: Column): string {
  if (value === undefined || value === null) return '';
  if (column.type === 'boolean') return Number(value) ? '1' : '0';
  if (typeof value === 'object') return canonicalJson(value);
  return String(value);
}

/** JSON with object keys sorted, as Perl's to_json(..., { canonical => 1 }) writes it. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    return `{${Object.keys(object).sort().filter((key) => object[key] !== undefined).map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function compare(a: unknown, b: unknown, numeric: boolean): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  if (numeric) return Number(a) - Number(b);
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}
