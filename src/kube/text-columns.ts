/** Left-aligned columns as kubectl prints its tables: each as wide as its widest cell, `gap` spaces between. */
export function renderColumns(header: string[], rows: string[][], gap: number): string {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join(' '.repeat(gap)).trimEnd()).join('\n');
}
